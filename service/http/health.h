/* The endpoints the HTTP wing answers itself, with no resource behind them: liveness,
 * readiness, metrics and the embedded contract. The route table names them. */
#ifndef FREMDRIFT_HEALTH_H
#define FREMDRIFT_HEALTH_H

struct request;
struct reply;

void api_health_live(struct request *rq, struct reply *r);
void api_health_ready(struct request *rq, struct reply *r);
void api_health_metrics(struct request *rq, struct reply *r);
void api_health_openapi(struct request *rq, struct reply *r);

#endif
