#include <signal.h>
#include <string.h>

#include "sig.h"

volatile sig_atomic_t sig_caught;

static void
on_signal(int sig)
{
	sig_caught = sig;
}

void
sig_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}
