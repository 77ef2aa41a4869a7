/* kafkastop.h: how far a Kafka tool has been asked to stop.  The first SIGINT/SIGTERM asks it to
 * stop reading and finish what is in flight (deliver, flush, commit); a second asks it to give up
 * waiting for that, saying what it leaves undone. */
#ifndef KAFKASTOP_H
#define KAFKASTOP_H

enum { STOP_NO, STOP_FINISH, STOP_NOW };

int kafka_stop_level(void);	/* counts the signals that sig.h caught since the last call */
int kafka_stop_signal(void);	/* the first such signal's number, 0 if none */

#endif
