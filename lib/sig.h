/* sig.h: SIGINT/SIGTERM set a flag that loops poll; SIGPIPE becomes EPIPE. */
#ifndef SIG_H
#define SIG_H
#include <signal.h>

extern volatile sig_atomic_t sig_caught;	/* the signal number, 0 if none */

/* Without SA_RESTART, so a read blocked on a quiet pipe returns EINTR and the loop sees the flag. */
void sig_install(void);
#endif
