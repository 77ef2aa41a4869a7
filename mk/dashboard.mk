# mk/dashboard.mk: dashboards and monitoring over ClickHouse (scripts/dashboard, scripts/pipeline-status).
#	make dashboard		render $(DASHBOARD_DIR) from $$CLICKHOUSE_URL; prints the path of its index.html
#	make pipeline-status	rows and latest etl_dt of the 24 tables, Kafka lag when configured
#	make dashboard-demo	a private ClickHouse with demo data, rendered into out/dashboard-demo
# DASHBOARD_ARGS passes options on, e.g. DASHBOARD_ARGS='--from 2021-01-01 --to 2021-01-31 --top 50'.
# From cron (each run renders into a new directory and switches DASHBOARD_DIR, a symlink, to it):
#	*/30 * * * *  make -s -C /srv/etl dashboard CLICKHOUSE_URL=http://ch:8123/ >>/var/log/etl-dashboard.log 2>&1
DASHBOARD_DIR ?= out/dashboard
DASHBOARD_ARGS ?=
PIPELINE_STATUS_ARGS ?=

dashboard:
	@test -n "$(CLICKHOUSE_URL)" || { echo "make dashboard: CLICKHOUSE_URL is not set (or: scripts/with-clickhouse make dashboard)" >&2; exit 2; }
	CLICKHOUSE_URL='$(CLICKHOUSE_URL)' scripts/dashboard -o '$(DASHBOARD_DIR)' $(DASHBOARD_ARGS)

pipeline-status:
	@test -n "$(CLICKHOUSE_URL)" || { echo "make pipeline-status: CLICKHOUSE_URL is not set" >&2; exit 2; }
	@CLICKHOUSE_URL='$(CLICKHOUSE_URL)' scripts/pipeline-status $(PIPELINE_STATUS_ARGS)

dashboard-demo: all
	scripts/with-clickhouse sh -c 'scripts/dashboard-demo-data -n 20000 && scripts/dashboard -o out/dashboard-demo $(DASHBOARD_ARGS)'

.PHONY: dashboard pipeline-status dashboard-demo
