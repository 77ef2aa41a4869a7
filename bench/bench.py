#!/usr/bin/env python3
"""bench.py: the suite's tools side by side with the alternatives (make bench; never part of tests).

    bench/bench.py [--scale S|full] [--only NAME,...] [--rounds N] [--out DIR] [--data DIR]

Each measurement runs the suite's tool and its comparison alternately (ABAB..., the order flipped
every round), several rounds, and reports medians, the ratio of the two measured in this run with
its target beside it (PASS/MISS), and peak RSS (wait4's ru_maxrss of the process itself).  Results
go to OUT/results.tsv and OUT/results.md; the generated data is kept in DATA (re-used while the
sizes are the same), logs in OUT/logs/.

Names for --only (BENCH_ONLY): ev2tsv chload kcat-split kprod hive2tsv contact-merge e2e day batch.
Without --only all run but day and batch, which run only with --scale full (or when named).

Scale 1 (the default, ~10 minutes on 2 cores): 1M `sa` events, a 500k-event standard mix, 1M
TSV rows for chload, ~92k rows x 78 columns for hive2tsv, end to end at 500k events.  --scale S
multiplies those.  --scale full: scale 1 for the rates, end to end at 2.6M events, plus a full day
(26M events, files -> ClickHouse) and the full batch (scripts/batch-load of every table).
"""
import argparse
import os
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "bin")
BBIN = os.path.join(ROOT, "bench", "bin")
RSTIME = os.path.join(BBIN, "rstime")
SCRIPTS = os.path.join(ROOT, "scripts")
GROUPS = ["ev2tsv", "chload", "kcat-split", "kprod", "hive2tsv", "contact-merge", "e2e", "day", "batch"]
MB = 1024.0
RSS_LIMIT_MB = 64

# ---------------------------------------------------------------- small helpers


def log(msg):
    sys.stderr.write("bench: %s\n" % msg)
    sys.stderr.flush()


def die(msg):
    log(msg)
    sys.exit(2)


def sh(cmd, **kw):
    """Run a setup command (not timed); its output is returned; failure ends the benchmark."""
    kw.setdefault("stderr", LOGF)
    try:
        return subprocess.run(cmd, check=True, stdout=subprocess.PIPE, **kw).stdout.decode()
    except subprocess.CalledProcessError as e:
        die("setup failed (exit %d): %s (see %s)" % (e.returncode, cmd if isinstance(cmd, str) else
                                                      " ".join(map(shlex.quote, cmd)), LOGPATH))


class Res:
    """One timed run: wall seconds, CPU seconds, peak RSS of the process (KiB), exit status."""

    def __init__(self, wall, cpu=0.0, rss=0, rc=0, extra=None):
        self.wall, self.cpu, self.rss, self.rc = wall, cpu, rss, rc
        self.extra = extra or {}


STAT_N = [0]


def start(argv, stdin=None, stdout=None, env=None):
    """Start argv under bench/bin/rstime (which measures it); returns (Popen, stats file)."""
    STAT_N[0] += 1
    stat = os.path.join(RUNDIR, "rstime.%d" % STAT_N[0])
    fin = open(stdin, "rb") if stdin else subprocess.DEVNULL
    fout = open(stdout, "wb") if stdout else subprocess.DEVNULL
    try:
        p = subprocess.Popen([RSTIME, "-o", stat] + argv, stdin=fin, stdout=fout, stderr=LOGF, env=env)
    finally:
        if stdin:
            fin.close()
        if stdout:
            fout.close()
    return p, stat


def finish(p, stat):
    """Wait for a process started by start(): Res from rstime's line."""
    rc = p.wait()
    try:
        with open(stat) as f:
            wall, ut, st, rss, rc2 = f.read().split()
        os.unlink(stat)
    except (OSError, ValueError):
        return Res(0.0, 0.0, 0, rc if rc else 2)
    return Res(float(wall), float(ut) + float(st), int(rss), int(rc2))


def run(argv, stdin=None, stdout=None, env=None, ok=(0,), what=None):
    """Time one process: wall clock around fork..wait4, its own CPU and peak RSS."""
    LOGF.write("\n$ %s\n" % " ".join(map(shlex.quote, argv)))
    LOGF.flush()
    r = finish(*start(argv, stdin, stdout, env))
    LOGF.write("# %.3f s, %.2f CPU-s, %d KiB, exit %d\n" % (r.wall, r.cpu, r.rss, r.rc))
    if r.rc not in ok:
        die("%s failed with exit %d (see %s)" % (what or argv[0], r.rc, LOGPATH))
    return r


def run_many(argvs, what, ok=(0,)):
    """Start several processes at once; wall until the last ends; peak RSS the largest one's."""
    t0 = time.monotonic()
    ps = []
    for a in argvs:
        LOGF.write("\n$ %s &\n" % " ".join(map(shlex.quote, a["argv"])))
        LOGF.flush()
        ps.append(start(a["argv"], a.get("stdin"), a.get("stdout"), a.get("env")))
    cpu, rss, bad = 0.0, 0, None
    for p in ps:
        r = finish(*p)
        cpu += r.cpu
        rss = max(rss, r.rss)
        if r.rc not in ok:
            bad = r.rc
    wall = time.monotonic() - t0
    if bad is not None:
        die("%s failed with exit %d (see %s)" % (what, bad, LOGPATH))
    return Res(wall, cpu, rss)


def cpu_times():
    """Per-CPU (busy, total) jiffies from /proc/stat."""
    out = {}
    with open("/proc/stat") as f:
        for line in f:
            if line.startswith("cpu") and line[3].isdigit():
                v = [int(x) for x in line.split()[1:]]
                idle = v[3] + v[4]
                out[line.split()[0]] = (sum(v[:8]) - idle, sum(v[:8]))
    return out


def proc_cpu(pid):
    """CPU seconds of a process so far (utime + stime)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            v = f.read().rsplit(")", 1)[1].split()
        return (int(v[11]) + int(v[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def lines_in(path):
    n = 0
    with open(path, "rb") as f:
        while True:
            b = f.read(1 << 22)
            if not b:
                return n
            n += b.count(b"\n")


def fmt_n(n):
    for unit, div in (("M", 1e6), ("k", 1e3)):
        if n >= div:
            v = n / div
            return ("%.1f%s" % (v, unit)).replace(".0" + unit, unit)
    return str(int(n))


def fmt_rate(r):
    if r is None:
        return "-"
    return fmt_n(r) + "/s" if r >= 1000 else "%.0f/s" % r


# ---------------------------------------------------------------- results

ROWS = []
TSV_HEAD = ["section", "measurement", "n", "unit", "tool", "tool_s", "tool_cpu_s", "tool_rate", "tool_rss_mb",
            "baseline", "base_s", "base_cpu_s", "base_rate", "base_rss_mb", "ratio", "ratio_kind", "target", "result",
            "runs", "note"]


def add_row(section, measurement, n, unit, tool, ts, trss, base=None, bs=None, brss=None, kind="info",
            target=None, runs=1, note="", tcpu=None, bcpu=None):
    """kind: rate (tool rate / base rate >= target), time (tool time / base time <= target),
    limit (the tool's own value <= target: seconds, or MB for the memory rows), info."""
    if isinstance(ts, list):	# the runs of compare(): median time, median CPU, peak RSS
        ts, tcpu, trss = med(ts), cpu(ts), peak(ts)
    if isinstance(bs, list):
        bs, bcpu, brss = med(bs), cpu(bs), peak(bs)
    trate = n / ts if ts and n else None
    brate = n / bs if bs and n else None
    ratio = result = None
    if kind == "rate" and bs:
        ratio = brate and trate / brate
    elif kind == "time" and bs:
        ratio = ts / bs
    if target is not None:
        if kind == "rate":
            result = ratio >= target
        elif kind == "time":
            result = ratio <= target
        elif kind == "limit_s":
            result = ts < target
        elif kind == "limit_mb":
            result = trss / MB < target
    row = dict(section=section, measurement=measurement, n=n, unit=unit, tool=tool, tool_s=ts, tool_cpu_s=tcpu,
               base_cpu_s=bcpu, tool_rate=trate, tool_rss_mb=trss / MB if trss else None, baseline=base or "", base_s=bs,
               base_rate=brate, base_rss_mb=brss / MB if brss else None, ratio=ratio, ratio_kind=kind,
               target=target, result=None if result is None else ("PASS" if result else "MISS"),
               runs=runs, note=note)
    ROWS.append(row)
    log("%-10s %s: %s" % (section, measurement, describe(row)))
    write_results()
    return row


def target_text(r):
    t = r["target"]
    if t is None:
        return ""
    return {"rate": "≥ %g×" % t, "time": "≤ %g×" % t, "limit_s": "< %g s" % t,
            "limit_mb": "< %g MB" % t}[r["ratio_kind"]]


def ratio_text(r):
    if r["ratio"] is None:
        return ""
    return "%.2f×" % r["ratio"]


def describe(r):
    s = "%s %.2fs %s" % (r["tool"], r["tool_s"] or 0, fmt_rate(r["tool_rate"]))
    if r["tool_rss_mb"]:
        s += " %.1fMB" % r["tool_rss_mb"]
    if r["baseline"]:
        s += " | %s %.2fs %s" % (r["baseline"], r["base_s"] or 0, fmt_rate(r["base_rate"]))
    if r["ratio"] is not None:
        s += " | %s" % ratio_text(r)
    if r["result"]:
        s += " (target %s: %s)" % (target_text(r), r["result"])
    return s


def cell(v, f="%.2f"):
    return "" if v is None else (f % v if isinstance(v, float) else str(v))


def write_results():
    with open(os.path.join(OUT, "results.tsv.tmp"), "w") as f:
        f.write("\t".join(TSV_HEAD) + "\n")
        for r in ROWS:
            vals = []
            for k in TSV_HEAD:
                v = r[k]
                if isinstance(v, float):
                    v = "%.4g" % v if k in ("ratio",) else "%.3f" % v
                vals.append("" if v is None else str(v).replace("\t", " "))
            f.write("\t".join(vals) + "\n")
    os.replace(os.path.join(OUT, "results.tsv.tmp"), os.path.join(OUT, "results.tsv"))
    md = ["# Benchmark results", "", HEADER_MD, "",
          "| section | measurement | n | tool | median s | CPU s | rate | peak RSS | baseline | median s | CPU s | "
          "rate | peak RSS | ratio | target | result | note |",
          "|---|---|---:|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---|---|---|"]
    for r in ROWS:
        md.append("| %s |" % " | ".join([
            r["section"], r["measurement"], "%s %s" % (fmt_n(r["n"]), r["unit"]) if r["n"] else "", r["tool"],
            cell(r["tool_s"]), cell(r["tool_cpu_s"]), fmt_rate(r["tool_rate"]) if r["tool_rate"] else "",
            cell(r["tool_rss_mb"], "%.1f MB"), r["baseline"], cell(r["base_s"]), cell(r["base_cpu_s"]),
            fmt_rate(r["base_rate"]) if r["base_rate"] else "", cell(r["base_rss_mb"], "%.1f MB"),
            ratio_text(r), target_text(r), "**%s**" % r["result"] if r["result"] else "",
            r["note"].replace("|", "\\|")]))
    with open(os.path.join(OUT, "results.md.tmp"), "w") as f:
        f.write("\n".join(md) + "\n")
    os.replace(os.path.join(OUT, "results.md.tmp"), os.path.join(OUT, "results.md"))


def print_table():
    heads = ["section", "measurement", "n", "tool", "med s", "CPU s", "rate", "RSS MB", "baseline", "med s", "CPU s",
             "rate", "RSS MB", "ratio", "target", "result"]
    rows = []
    for r in ROWS:
        rows.append(([r["section"], r["measurement"], "%s %s" % (fmt_n(r["n"]), r["unit"]) if r["n"] else "",
                      r["tool"], cell(r["tool_s"]), cell(r["tool_cpu_s"]),
                      fmt_rate(r["tool_rate"]) if r["tool_rate"] else "", cell(r["tool_rss_mb"], "%.1f"),
                      r["baseline"], cell(r["base_s"]), cell(r["base_cpu_s"]),
                      fmt_rate(r["base_rate"]) if r["base_rate"] else "", cell(r["base_rss_mb"], "%.1f"),
                      ratio_text(r), target_text(r), r["result"] or ""], r["note"]))
    w = [max([len(h)] + [len(v[i]) for v, _ in rows]) for i, h in enumerate(heads)]
    out = ["  ".join("%-*s" % (w[i], h) for i, h in enumerate(heads))]
    out.append("  ".join("-" * x for x in w))
    for vals, note in rows:
        out.append("  ".join("%-*s" % (w[i], v) for i, v in enumerate(vals)).rstrip())
        if note:
            out.append("    note: " + note)
    n_pass = sum(1 for r in ROWS if r["result"] == "PASS")
    n_miss = sum(1 for r in ROWS if r["result"] == "MISS")
    out.append("")
    out.append("%d targets: %d PASS, %d MISS.  %s" % (n_pass + n_miss, n_pass, n_miss, HEADER_MD))
    out.append("Results: %s/results.tsv, %s/results.md; logs: %s" % (OUT, OUT, LOGPATH))
    print("\n".join(out))


# ---------------------------------------------------------------- interleaved comparison

def compare(variants, rounds):
    """variants: [(label, fn)]; fn() -> Res, doing its own untimed setup.  Alternates the variants,
    flipping the order every round, after a warm-up round that is not counted: the first reader
    of a fresh topic or file pays for the broker's JIT and the page cache (kcat-split's first run
    took 2.4 s where the others took 1.2).  Returns {label: [Res...]}."""
    for label, fn in variants:
        LOGF.write("\n# warm-up: %s\n" % label)
        fn()
    res = {label: [] for label, _ in variants}
    for r in range(rounds):
        order = variants if r % 2 == 0 else list(reversed(variants))
        for label, fn in order:
            res[label].append(fn())
    return res


def cpu(rs):
    return statistics.median(x.cpu for x in rs)


def med(rs):
    return statistics.median(x.wall for x in rs)


def peak(rs):
    return max(x.rss for x in rs)


# ---------------------------------------------------------------- servers

class ClickHouse:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="ch.", dir=RUNDIR)
        log("starting a private ClickHouse in %s" % self.dir)
        self.url = sh([os.path.join(SCRIPTS, "clickhouse-server"), "start", self.dir]).strip()
        with open(os.path.join(self.dir, "pid")) as f:
            self.pid = int(f.read().split()[0])
        self.env = dict(os.environ, CLICKHOUSE_URL=self.url)
        sh([os.path.join(SCRIPTS, "ddl"), "apply"], env=self.env)
        self.stream_tables = sh([os.path.join(SCRIPTS, "ddl"), "tables", "stream"]).split()

    def q(self, sql):
        req = urllib.request.Request(self.url, data=sql.encode(), method="POST")
        with urllib.request.urlopen(req, timeout=600) as r:
            return r.read().decode()

    def truncate(self, *tables):
        for t in tables:
            self.q("TRUNCATE TABLE %s" % t)

    def count(self, *tables):
        return sum(int(self.q("SELECT count() FROM %s" % t)) for t in tables)

    def insert_url(self, table):
        return self.url + "?" + urllib.parse.urlencode({"query": "INSERT INTO %s FORMAT TabSeparated" % table})

    def stop(self):
        subprocess.run([os.path.join(SCRIPTS, "clickhouse-server"), "stop", self.dir], stdout=LOGF, stderr=LOGF)


class Kafka:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="kafka.", dir=RUNDIR)
        log("starting a private Kafka broker in %s" % self.dir)
        self.brokers = sh([os.path.join(SCRIPTS, "kafka-server"), "start", self.dir, "--owner",
                           str(os.getpid())]).strip().splitlines()[-1]
        self.n = 0

    def topic(self, prefix, parts=4):
        self.n += 1
        name = "%s-%d-%d" % (prefix, os.getpid(), self.n)
        sh([os.path.join(SCRIPTS, "kafka-server"), "topic", self.dir, name, str(parts)], stderr=LOGF)
        return name

    def end_offsets(self, topic, parts=4):
        args = ["kcat", "-Q", "-b", self.brokers]
        for p in range(parts):
            args += ["-t", "%s:%d:-1" % (topic, p)]
        out = sh(args)
        return sum(int(x) for x in re.findall(r"offset (\d+)", out))

    def stop(self):
        subprocess.run([os.path.join(SCRIPTS, "kafka-server"), "stop", self.dir], stdout=LOGF, stderr=LOGF)


class Postgres:
    def __init__(self):
        # the postgres user must reach the directory: under /tmp, not under the work tree
        self.dir = tempfile.mkdtemp(prefix="bench-pg.")
        os.chmod(self.dir, 0o755)
        log("starting a private PostgreSQL in %s" % self.dir)
        self.conn = sh([os.path.join(SCRIPTS, "pg-server"), "start", self.dir]).strip().splitlines()[-1]
        self.pwfile = os.path.join(self.dir, "password")
        with open(self.pwfile) as f:
            self.pw = f.read().strip()
        env = {}
        with open(os.path.join(self.dir, "env")) as f:
            for k, v in re.findall(r"(PG\w+)=(\S+)", f.read()):
                env[k] = v
        self.env = dict(os.environ, **env)

    def psql(self, sql_or_none, stdin=None):
        args = ["psql", "-qAt", "-v", "ON_ERROR_STOP=1"]
        if sql_or_none:
            args += ["-c", sql_or_none]
        return sh(args, env=self.env, stdin=stdin)

    def stop(self):
        subprocess.run([os.path.join(SCRIPTS, "pg-server"), "stop", self.dir], stdout=LOGF, stderr=LOGF)


SERVERS = {}


def server(kind):
    if kind not in SERVERS:
        SERVERS[kind] = {"ch": ClickHouse, "kafka": Kafka, "pg": Postgres}[kind]()
    return SERVERS[kind]


def stop_servers():
    for kind in ("kafka", "ch", "pg"):
        s = SERVERS.pop(kind, None)
        if s:
            log("stopping %s" % kind)
            s.stop()


# ---------------------------------------------------------------- data

EVENT_TYPES = []	# [(type, table)]


def read_types():
    with open(os.path.join(ROOT, "sql", "event-types.tsv")) as f:
        for line in f.read().splitlines()[1:]:
            t, table = line.split("\t")[:2]
            EVENT_TYPES.append((t, table))


def data(name):
    return os.path.join(DATA, name)


def ensure(path, make):
    """Make path (atomically: make writes path.tmp) unless it exists."""
    if os.path.exists(path):
        return path
    log("making %s" % os.path.relpath(path, ROOT))
    tmp = path + ".tmp"
    if os.path.isdir(tmp):
        shutil.rmtree(tmp)
    make(tmp)
    os.replace(tmp, path)
    return path


def gen_events_cmd(n, seed, only=None):
    c = [os.path.join(SCRIPTS, "gen-events"), "-n", str(n), "-s", str(seed)]
    return c + (["-t", only] if only else [])


def gen_parallel(jobs):
    """jobs: [(path, argv)] writing stdout to path; two at a time (2 cores)."""
    todo = [(p, a) for p, a in jobs if not os.path.exists(p)]
    running = []
    while todo or running:
        while todo and len(running) < max(2, os.cpu_count() or 2):
            p, a = todo.pop(0)
            log("making %s" % os.path.relpath(p, ROOT))
            with open(p + ".tmp", "wb") as f:
                running.append((p, subprocess.Popen(a, stdout=f, stderr=LOGF)))
        p, proc = running.pop(0)
        if proc.wait() != 0:
            die("generating %s failed" % p)
        os.replace(p + ".tmp", p)


def head(src, n, dst):
    def make(tmp):
        with open(src, "rb") as fi, open(tmp, "wb") as fo:
            for i, line in enumerate(fi):
                if i >= n:
                    break
                fo.write(line)
    return ensure(dst, make)


def schema(table):
    p = data("schema/%s.tsv" % table)
    if not os.path.exists(p):
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w") as f:
            f.write(sh([os.path.join(SCRIPTS, "ddl"), "describe", "stream." + table]))
    return p


def split_by_type(src, dst):
    """One file per eventType (the standard events start {"eventType":"T",) and its ev2tsv TSV."""
    def make(tmp):
        os.makedirs(tmp)
        outs = {}
        with open(src, "rb") as f:
            for line in f:
                m = re.match(rb'\{"eventType":"(\w+)"', line)
                t = m.group(1).decode() if m else "_other"
                if t not in outs:
                    outs[t] = open(os.path.join(tmp, t + ".jsonl"), "wb", buffering=1 << 20)
                outs[t].write(line)
        for f in outs.values():
            f.close()
        for t, table in EVENT_TYPES:
            j = os.path.join(tmp, t + ".jsonl")
            if not os.path.exists(j):
                open(j, "w").close()
            run([os.path.join(BIN, "ev2tsv"), "-q", "-s", schema(table), j], stdout=os.path.join(tmp, t + ".tsv"),
                what="ev2tsv (preparing %s)" % t)
    return ensure(dst, make)


def ev2tsv_file(src, table, dst):
    return ensure(dst, lambda tmp: run([os.path.join(BIN, "ev2tsv"), "-q", "-s", schema(table), src], stdout=tmp,
                                       what="ev2tsv (preparing %s)" % dst))


def odbc_env():
    d = os.path.join(RUNDIR, "odbc")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "odbcinst.ini"), "w") as f:
        f.write("[SQLite3]\nDescription=SQLite3 ODBC Driver\nDriver=libsqlite3odbc.so\nSetup=libsqlite3odbc.so\n\n"
                "[PostgreSQL Unicode]\nDescription=PostgreSQL ODBC driver (Unicode version)\nDriver=psqlodbcw.so\n"
                "Setup=libodbcpsqlS.so\nDebug=0\nCommLog=0\n")
    return dict(os.environ, ODBCSYSINI=d)


# ---------------------------------------------------------------- measurements

SA_COLS = None


def sa_columns():
    with open(schema("dm_v_tr_sa_mx")) as f:
        return [line.split("\t")[0] for line in f if line.strip()]


def count_diff(a, b):
    """Lines that differ between two files (and the first of them), or None when identical."""
    if subprocess.run(["cmp", "-s", a, b]).returncode == 0:
        return None
    n, first = 0, None
    with open(a, "rb") as fa, open(b, "rb") as fb:
        for i, (x, y) in enumerate(zip(fa, fb)):
            if x != y:
                n += 1
                if first is None:
                    first = i + 1
    la, lb = lines_in(a), lines_in(b)
    n += abs(la - lb)
    return n, first


def m_ev2tsv():
    ev2tsv, simd = os.path.join(BIN, "ev2tsv"), os.path.join(BBIN, "simdjson-ev2tsv")
    sa_schema = schema("dm_v_tr_sa_mx")
    sa = data("sa-%d.jsonl" % N_SA)
    # 1. the sa events, output to /dev/null
    variants = [("ev2tsv", lambda: run([ev2tsv, "-q", "-s", sa_schema, sa])),
                ("simdjson DOM", lambda: run([simd, "-m", "dom", "-s", sa_schema, sa])),
                ("simdjson On-Demand", lambda: run([simd, "-m", "od", "-s", sa_schema, sa]))]
    res = compare(variants, ROUNDS)
    tsa = res["ev2tsv"]
    notes = {}
    # output check (not timed): the reference converters against ev2tsv's TSV
    ref = data("sa-%d.tsv" % N_SA)
    for mode in ("dom", "od"):
        tmp = os.path.join(RUNDIR, "simd-%s.tsv" % mode)
        run([simd, "-m", mode, "-s", sa_schema, sa], stdout=tmp)
        d = count_diff(ref, tmp)
        notes[mode] = "output identical to ev2tsv's" if d is None else \
            "output differs from ev2tsv's in %d of %d lines (first: line %d)" % (d[0], N_SA, d[1])
        os.unlink(tmp)
    for label, mode, blurb in (("simdjson DOM", "dom", "parse_many, 4 MiB blocks"),
                               ("simdjson On-Demand", "od", "iterate_many, 4 MiB blocks")):
        b = res[label]
        add_row("ev2tsv", "sa events -> TSV (%s)" % blurb, N_SA, "events", "ev2tsv", tsa, None,
                label, b, None, "rate", 0.8, ROUNDS, notes[mode])
    # 2. jq on a subset (jq is ~30x slower): the same subset for both
    cols = sa_columns()
    jqprog = "[%s] | @tsv" % ", ".join(".eventBody.%s" % c for c in cols)
    small = head(sa, N_JQ, data("sa-head-%d.jsonl" % N_JQ))
    res = compare([("ev2tsv", lambda: run([ev2tsv, "-q", "-s", sa_schema, small])),
                   ("jq", lambda: run(["jq", "-r", jqprog, small]))], ROUNDS)
    add_row("ev2tsv", "sa events -> TSV vs jq 1.6", N_JQ, "events", "ev2tsv", res["ev2tsv"],
            None, "jq -r '[...]|@tsv'", res["jq"], None, "rate", 25, ROUNDS,
            "jq writes null/missing as empty, not \\N")
    # 3. the standard mix split by type: each type's file with its table's schema
    split = data("mix-%d" % N_MIX)
    files = [(os.path.join(split, t + ".jsonl"), schema(table)) for t, table in EVENT_TYPES]

    def all_types(argv_of):
        tot = Res(0.0)
        for j, s in files:
            r = run(argv_of(j, s))
            tot.wall += r.wall
            tot.cpu += r.cpu
            tot.rss = max(tot.rss, r.rss)
        return tot
    res = compare([("ev2tsv", lambda: all_types(lambda j, s: [ev2tsv, "-q", "-s", s, j])),
                   ("dom", lambda: all_types(lambda j, s: [simd, "-m", "dom", "-s", s, j])),
                   ("od", lambda: all_types(lambda j, s: [simd, "-m", "od", "-s", s, j]))], ROUNDS)
    diffs = {"dom": [0, 0], "od": [0, 0]}
    for (t, table), (j, s) in zip(EVENT_TYPES, files):
        for mode in ("dom", "od"):
            tmp = os.path.join(RUNDIR, "simd.tsv")
            run([simd, "-m", mode, "-s", s, j], stdout=tmp)
            d = count_diff(os.path.join(split, t + ".tsv"), tmp)
            if d:
                diffs[mode][0] += d[0]
                diffs[mode][1] += 1
            os.unlink(tmp)
    for label, mode in (("simdjson DOM", "dom"), ("simdjson On-Demand", "od")):
        nd, nt = diffs[mode]
        note = "outputs identical to ev2tsv's" if not nd else \
            "outputs differ from ev2tsv's in %d lines of %d tables" % (nd, nt)
        add_row("ev2tsv", "standard mix split by type, 14 schemas", N_MIX, "events", "ev2tsv",
                res["ev2tsv"], None, label, res[mode], None, "rate", 0.8,
                ROUNDS, note)
    # 4. memory at two sizes 10x apart
    small = head(sa, N_SA // 10, data("sa-head-%d.jsonl" % (N_SA // 10)))
    r1 = run([ev2tsv, "-q", "-s", sa_schema, small])
    add_memory("ev2tsv", N_SA // 10, "events", r1, tsa)


def add_memory(tool, n_small, unit, r_small, big_runs, n_big=None, mode=""):
    """Two rows: the tool's peak RSS at the small and the big input."""
    n_big = n_big or n_small * 10
    rb = big_runs if isinstance(big_runs, Res) else Res(med(big_runs), cpu(big_runs), peak(big_runs))
    grow = rb.rss / r_small.rss if r_small.rss else 0
    for n, r in ((n_small, r_small), (n_big, rb)):
        add_row("memory", "%s%s peak RSS" % (tool, mode), n, unit, tool, r.wall, r.rss, kind="limit_mb", tcpu=r.cpu,
                target=RSS_LIMIT_MB, note="RSS x%.2f for 10x the input" % grow if r is rb else "")


def m_chload():
    ch = server("ch")
    chload = os.path.join(BIN, "chload")
    table = "stream.dm_v_tr_sa_mx"
    tsv = data("sa-%d.tsv" % N_SA)

    def load(argv):
        ch.truncate(table)
        r = run(argv, env=ch.env)
        got = ch.count(table)
        if got != N_SA:
            die("%s loaded %d rows, not %d" % (argv[0], got, N_SA))
        return r
    res = res_sa = compare([("chload", lambda: load([chload, "-q", "-t", table, tsv])),
                   ("curl", lambda: load(["curl", "-sS", "--fail", "-o", "/dev/null", "--data-binary", "@" + tsv,
                                          ch.insert_url(table)]))], ROUNDS)
    add_row("chload", "sa TSV -> %s" % table, N_SA, "rows", "chload", res["chload"], None,
            "curl --data-binary", res["curl"], None, "rate", 0.95, ROUNDS,
            "truncated before each run; row count checked after")
    # the 14 stream tables at once, one loader per table
    split = data("mix-%d" % N_MIX)
    tables = ["stream." + tab for _, tab in EVENT_TYPES]
    tsvs = [os.path.join(split, t + ".tsv") for t, _ in EVENT_TYPES]
    nrows = sum(lines_in(f) for f in tsvs)
    util = {"chload": [], "curl": []}

    def parallel(kind):
        ch.truncate(*tables)
        if kind == "chload":
            argvs = [{"argv": [chload, "-q", "-t", tab, f], "env": ch.env} for tab, f in zip(tables, tsvs)]
        else:
            argvs = [{"argv": ["curl", "-sS", "--fail", "-o", "/dev/null", "--data-binary", "@" + f,
                               ch.insert_url(tab)]} for tab, f in zip(tables, tsvs)]
        c0, s0 = cpu_times(), proc_cpu(ch.pid)
        r = run_many(argvs, kind)
        c1, s1 = cpu_times(), proc_cpu(ch.pid)
        per = {k: (c1[k][0] - c0[k][0]) / max(1, c1[k][1] - c0[k][1]) for k in c1}
        util[kind].append((per, s1 - s0, r.cpu, r.wall))
        got = ch.count(*tables)
        if got != nrows:
            die("%s: %d rows in the 14 tables, not %d" % (kind, got, nrows))
        return r
    res = compare([("chload", lambda: parallel("chload")), ("curl", lambda: parallel("curl"))], ROUNDS)

    def util_note(kind):
        u = util[kind]
        cpus = sorted(u[0][0])
        busy = " ".join("%s %.0f%%" % (c, 100 * statistics.median(x[0][c] for x in u)) for c in cpus)
        own = statistics.median((x[1] + x[2]) / x[3] for x in u)
        return "%s: server+loaders used %.2f of %d cores (server %.1f CPU-s, loaders %.1f CPU-s); machine busy %s" % (
            kind, own, len(cpus), statistics.median(x[1] for x in u), statistics.median(x[2] for x in u), busy)
    add_row("chload", "14 stream tables at once (mix TSV)", nrows, "rows", "14 x chload", res["chload"],
            None, "14 x curl", res["curl"], None, "rate", None, ROUNDS,
            util_note("chload") + "; " + util_note("curl"))
    # memory
    small = head(tsv, N_SA // 10, data("sa-head-%d.tsv" % (N_SA // 10)))
    ch.truncate(table)
    r1 = run([chload, "-q", "-t", table, small], env=ch.env)
    add_memory("chload", N_SA // 10, "rows", r1, res_sa["chload"])


def m_kcat_split():
    k = server("kafka")
    mix = data("mix-%d.jsonl" % N_MIX)
    small = head(mix, N_MIX // 10, data("mix-head-%d.jsonl" % (N_MIX // 10)))
    topics = {}
    for n, f in ((N_MIX, mix), (N_MIX // 10, small)):
        topics[n] = k.topic("bench-consume")
        sh(["kcat", "-P", "-l", "-b", k.brokers, "-t", topics[n], f], stderr=LOGF)
        if k.end_offsets(topics[n]) != n:
            die("topic %s holds %d messages, not %d" % (topics[n], k.end_offsets(topics[n]), n))
    ksplit = os.path.join(BIN, "kcat-split")

    def split_run(n):
        d = tempfile.mkdtemp(prefix="ks.", dir=RUNDIR)
        r = run([ksplit, "-q", "-b", k.brokers, "-G", group_name(k), "-e", "-o",
                 os.path.join(d, "%s.jsonl"), topics[n]])
        got = sum(lines_in(os.path.join(d, f)) for f in os.listdir(d))
        shutil.rmtree(d)
        if got != n:
            die("kcat-split wrote %d messages, not %d" % (got, n))
        return r
    res = compare([("kcat-split", lambda: split_run(N_MIX)),
                   ("kcat", lambda: run(["kcat", "-q", "-C", "-e", "-b", k.brokers, "-t", topics[N_MIX], "-o",
                                         "beginning"])),
                   ("kcat -G", lambda: run(["kcat", "-q", "-C", "-e", "-b", k.brokers, "-G", group_name(k), "-X",
                                            "auto.offset.reset=earliest", topics[N_MIX]]))], ROUNDS)
    add_row("kcat-split", "topic (4 partitions) -> files by type", N_MIX, "events", "kcat-split",
            res["kcat-split"], None, "kcat -C -e > /dev/null", res["kcat"],
            None, "time", 1.2, ROUNDS,
            "kcat-split: a new consumer group each run, files written and counted")
    add_row("kcat-split", "the same vs kcat's consumer-group mode", N_MIX, "events", "kcat-split",
            res["kcat-split"], None, "kcat -G -e > /dev/null", res["kcat -G"],
            None, "time", None, ROUNDS,
            "for the record: kcat -C reads partitions without a group; kcat-split must join one (offsets, commits)")
    r1 = split_run(N_MIX // 10)
    add_memory("kcat-split", N_MIX // 10, "events", r1, res["kcat-split"])


def group_name(k):
    k.n += 1
    return "bench-%d-%d" % (os.getpid(), k.n)


def m_kprod():
    k = server("kafka")
    mix = data("mix-%d.jsonl" % N_MIX)
    small = head(mix, N_MIX // 10, data("mix-head-%d.jsonl" % (N_MIX // 10)))
    kprod = os.path.join(BIN, "kprod")

    def produce(argv_of, f, n):
        t = k.topic("bench-produce")
        r = run(argv_of(t, f))
        got = k.end_offsets(t)
        if got != n:
            die("%s: topic %s holds %d messages, not %d" % (argv_of(t, f)[0], t, got, n))
        return r
    kp = lambda t, f: [kprod, "-q", "-b", k.brokers, "-t", t, f]
    kc = lambda t, f: ["kcat", "-P", "-l", "-X", "enable.idempotence=true", "-b", k.brokers, "-t", t, f]
    res = compare([("kprod", lambda: produce(kp, mix, N_MIX)), ("kcat", lambda: produce(kc, mix, N_MIX))], ROUNDS)
    add_row("kprod", "mix file -> new topic (4 partitions)", N_MIX, "events", "kprod", res["kprod"],
            None, "kcat -P -l idempotent", res["kcat"], None, "rate", 1.0, ROUNDS,
            "a fresh topic each run; end offsets checked")
    r1 = produce(kp, small, N_MIX // 10)
    add_memory("kprod", N_MIX // 10, "events", r1, res["kprod"])


HIVE_TABLE = "pri_cust_liab_acct_info"


def hive_source():
    return ensure(data("hive-%g.sqlite" % HIVE_SCALE),
                  lambda tmp: sh([os.path.join(SCRIPTS, "gen-hive-source"), tmp, "--scale", str(HIVE_SCALE),
                                  "--tables", HIVE_TABLE]))


def pg_load(pg, sqlite_path, table):
    """The SQLite stand-in's table into PostgreSQL: text columns, numeric(p,s) for Hive decimals."""
    import sqlite3
    types = {}
    with open(os.path.join(ROOT, "sql", "hive-source.tsv")) as f:
        for line in f.read().splitlines()[1:]:
            t, _, c, ht = line.split("\t")[:4]
            if t == table:
                m = re.match(r"decimal\((\d+),(\d+)", ht)
                types[c] = "numeric(%s,%s)" % m.groups() if m else "integer" if ht in ("int", "bigint") else "text"
    db = sqlite3.connect(sqlite_path)
    cols = [r[1] for r in db.execute("PRAGMA table_info(%s)" % table)]
    pg.psql("DROP TABLE IF EXISTS %s; CREATE TABLE %s (%s)" % (table, table, ", ".join(
        '"%s" %s' % (c, types.get(c, "text")) for c in cols)))

    def esc(v):
        if v is None:
            return "\\N"
        return str(v).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    p = subprocess.Popen(["psql", "-qAt", "-v", "ON_ERROR_STOP=1", "-c", "COPY %s FROM STDIN" % table],
                         stdin=subprocess.PIPE, stdout=LOGF, stderr=LOGF, env=pg.env)
    for row in db.execute("SELECT * FROM %s" % table):
        p.stdin.write(("\t".join(esc(v) for v in row) + "\n").encode())
    p.stdin.close()
    if p.wait() != 0:
        die("loading %s into PostgreSQL failed" % table)
    pg.psql("ANALYZE %s" % table)
    return int(pg.psql("SELECT count(*) FROM %s" % table))


def m_hive2tsv():
    src = hive_source()
    env = odbc_env()
    import sqlite3
    db = sqlite3.connect(src)
    nrows = db.execute("SELECT count(*) FROM %s" % HIVE_TABLE).fetchone()[0]
    ncols = len(db.execute("PRAGMA table_info(%s)" % HIVE_TABLE).fetchall())
    db.close()
    hive2tsv, fetch = os.path.join(BIN, "hive2tsv"), os.path.join(BBIN, "odbc-fetch")
    sql = "SELECT * FROM %s" % HIVE_TABLE
    sqlf = os.path.join(RUNDIR, "hive.sql")
    with open(sqlf, "w") as f:
        f.write(sql + "\n")
    backends = [("SQLite", "Driver=SQLite3;Database=%s;StepAPI=1;LongNames=1;NoCreat=1" % src, None, None)]
    pg = server("pg")
    log("loading %s into PostgreSQL" % HIVE_TABLE)
    if pg_load(pg, src, HIVE_TABLE) != nrows:
        die("PostgreSQL holds a different row count")
    backends.append(("PostgreSQL", pg.conn, pg.pwfile, pg.pw))
    for name, conn, pwfile, pw in backends:
        pwargs = ["--password-file", pwfile] if pwfile else []
        fetch_pw = ["-p", pwfile] if pwfile else []
        isql_conn = conn + (";PWD=" + pw if pw else "")
        h = lambda q=None: run([hive2tsv, "-d", conn] + pwargs + (["-q", q] if q else ["-t", HIVE_TABLE]) +
                               ["-P", "0", "--quiet"], env=env)
        res = compare([("hive2tsv", h),
                       ("bare", lambda: run([fetch, "-d", conn] + fetch_pw + [sql], env=env)),
                       ("isql", lambda: run(["isql", "-k", isql_conn, "-b", "-x0x09"], stdin=sqlf, env=env))], ROUNDS)
        # what isql writes instead of TSV (not timed)
        tmp_i, tmp_h = os.path.join(RUNDIR, "isql.out"), os.path.join(RUNDIR, "hive2tsv.out")
        run(["isql", "-k", isql_conn, "-b", "-x0x09"], stdin=sqlf, stdout=tmp_i, env=env)
        run([hive2tsv, "-d", conn] + pwargs + ["-t", HIVE_TABLE, "-P", "0", "--quiet"], stdout=tmp_h, env=env)
        li, lh = lines_in(tmp_i), lines_in(tmp_h)
        with open(tmp_h, "rb") as f:
            nulls = sum(line.count(b"\\N") for line in f)
        os.unlink(tmp_i)
        os.unlink(tmp_h)
        what = "%s (%s, %d cols)" % (HIVE_TABLE, name, ncols)
        add_row("hive2tsv", what + " vs bare fetch loop", nrows, "rows", "hive2tsv", res["hive2tsv"],
                None, "SQLFetch+SQLGetData", res["bare"], None, "rate", 0.9,
                ROUNDS, "the bare loop converts nothing and writes nothing")
        add_row("hive2tsv", what + " vs isql", nrows, "rows", "hive2tsv", res["hive2tsv"], None,
                "isql -b -x0x09", res["isql"], None, "rate", 1.2, ROUNDS,
                "isql's output is not TSV: %d lines for %d rows (raw tabs/newlines), %d NULLs written as empty" %
                (li, nrows, nulls))
        r1 = h("SELECT * FROM %s LIMIT %d" % (HIVE_TABLE, nrows // 10))
        add_memory("hive2tsv", nrows // 10, "rows", r1, res["hive2tsv"], n_big=nrows, mode=" (%s)" % name)
    # -j: the same table by two connections (what batch-load does with the biggest table)
    conn = backends[0][1]
    one = [hive2tsv, "-d", conn, "-t", HIVE_TABLE, "-P", "0", "--quiet"]
    res = compare([("one", lambda: run(one, env=env)),
                   ("two", lambda: run(one + ["-j", "2", "--split-by", "rowid"], env=env))], ROUNDS)
    add_row("hive2tsv", "%s (SQLite): -j 2 --split-by rowid vs one reader" % HIVE_TABLE, nrows, "rows",
            "hive2tsv -j 2", res["two"], None, "hive2tsv", res["one"], None, "rate", None, ROUNDS,
            "for the record: two connections, each its half of the rowids")


def contacts(copies):
    """uid, con_type, contact rows sorted by uid: the contact table (scale 1) copied with new uids."""
    base = ensure(data("contacts-base.sqlite"), lambda tmp: sh([os.path.join(SCRIPTS, "gen-hive-source"), tmp,
                                                                 "--scale", "1", "--tables", "pri_cust_contact_info"]))

    def make(tmp):
        import sqlite3
        db = sqlite3.connect(base)
        rows = db.execute("SELECT uid, con_type, contact FROM pri_cust_contact_info WHERE uid IS NOT NULL").fetchall()
        esc = lambda v: "\\N" if v is None else str(v).replace("\\", "\\\\").replace("\t", "\\t").replace(
            "\n", "\\n").replace("\r", "\\r")
        out = []
        for k in range(copies):
            for u, t, c in rows:
                out.append("%s%04d\t%s\t%s\n" % (u, k, esc(t), esc(c)))
        out.sort(key=lambda s: s.split("\t", 1)[0].encode())
        with open(tmp, "w") as f:
            f.writelines(out)
    return ensure(data("contacts-x%d.tsv" % copies), make)


def m_contact_merge():
    cm = os.path.join(BIN, "contact-merge")
    f1, f10 = contacts(CONTACT_COPIES), contacts(CONTACT_COPIES * 10)
    n1, n10 = lines_in(f1), lines_in(f10)
    rs = {}
    for mode, args in (("--sorted", ["--sorted"]), ("default", [])):
        r1 = run([cm, "-q"] + args + [f1], ok=(0, 1))
        r10 = run([cm, "-q"] + args + [f10], ok=(0, 1))
        rs[mode] = (r1, r10)
    r1, r10 = rs["--sorted"]
    add_memory("contact-merge", n1, "rows", r1, r10, n_big=n10, mode=" --sorted")
    r1, r10 = rs["default"]
    add_row("memory", "contact-merge (unsorted, not a target) peak RSS", n10, "rows", "contact-merge", r10.wall, r10.rss,
            note="%.1f MB at %s rows: holds every uid" % (r1.rss / MB, fmt_n(n1)))


def m_e2e():
    ch, k = server("ch"), server("kafka")
    n = N_E2E
    src = data("mix-%d.jsonl" % n) if n == N_MIX else data("e2e-%d.jsonl" % n)
    if not os.path.exists(src):
        gen_parallel([(src, gen_events_cmd(n, 3))])
    split = split_by_type(src, data(os.path.basename(src)[:-6]))
    tables = ["stream." + tab for _, tab in EVENT_TYPES]
    tsvs = [os.path.join(split, t + ".tsv") for t, _ in EVENT_TYPES]
    parts = {}

    def pipeline():
        ch.truncate(*tables)
        topic = k.topic("bench-e2e")
        work = tempfile.mkdtemp(prefix="e2e.", dir=RUNDIR)
        k.n += 1
        r1 = run([os.path.join(BIN, "kprod"), "-q", "-b", k.brokers, "-t", topic, src], what="kprod")
        r2 = run([os.path.join(SCRIPTS, "stream-pipeline"), "-q", "-b", k.brokers, "-G",
                  "bench-e2e-%d-%d" % (os.getpid(), k.n), "-w", work, topic], env=ch.env, what="stream-pipeline")
        parts.setdefault("kprod", []).append(r1.wall)
        parts.setdefault("pipeline", []).append(r2.wall)
        got = ch.count(*tables)
        if got != n:
            die("the pipeline loaded %d rows, not %d (see %s)" % (got, n, work))
        shutil.rmtree(work)
        return Res(r1.wall + r2.wall, r1.cpu + r2.cpu, max(r1.rss, r2.rss))

    def files_path():
        ch.truncate(*tables)
        work = tempfile.mkdtemp(prefix="lf.", dir=RUNDIR)
        r = run([os.path.join(ROOT, "bench", "load-files"), work, src], env=ch.env, what="bench/load-files")
        got = ch.count(*tables)
        if got != n:
            die("load-files loaded %d rows, not %d (see %s)" % (got, n, work))
        shutil.rmtree(work)
        return r

    def curl_all():
        ch.truncate(*tables)
        r = run_many([{"argv": ["curl", "-sS", "--fail", "-o", "/dev/null", "--data-binary", "@" + f,
                                ch.insert_url(tab)]} for tab, f in zip(tables, tsvs)], "curl")
        if ch.count(*tables) != n:
            die("curl loaded a different row count")
        return r
    res = compare([("pipeline", pipeline), ("curl", curl_all), ("files", files_path)], ROUNDS)
    scaled = "" if n == 2_600_000 else " (scaled down from 2.6M)"
    add_row("e2e", "files -> kprod -> Kafka -> stream-pipeline%s" % scaled, n, "events", "kprod + stream-pipeline",
            res["pipeline"], None, "14 x curl of prepared TSV", res["curl"], None, "time", 1.15, ROUNDS,
            "medians: kprod %.2f s + stream-pipeline %.2f s; curl loads the 14 tables in parallel" % (
                statistics.median(parts["kprod"]), statistics.median(parts["pipeline"])))
    add_row("e2e", "files -> kcat-split -> ev2tsv -> chload (no Kafka)%s" % scaled, n, "events", "bench/load-files",
            res["files"], None, "14 x curl of prepared TSV", res["curl"], None, "time", None, ROUNDS,
            "for the record: the same stages without the broker")


def m_day():
    ch = server("ch")
    n = N_DAY
    half = n // 2
    files = [data("day-%d-part%d.jsonl" % (n, i)) for i in (1, 2)]
    gen_parallel([(files[0], gen_events_cmd(half, 101)), (files[1], gen_events_cmd(n - half, 102))])
    tables = ["stream." + tab for _, tab in EVENT_TYPES]
    ch.truncate(*tables)
    work = tempfile.mkdtemp(prefix="day.", dir=RUNDIR)
    c0, s0 = cpu_times(), proc_cpu(ch.pid)
    r = run([os.path.join(ROOT, "bench", "load-files"), work] + files, env=ch.env, what="bench/load-files")
    c1, s1 = cpu_times(), proc_cpu(ch.pid)
    got = ch.count(*tables)
    busy = " ".join("%s %.0f%%" % (c, 100 * (c1[c][0] - c0[c][0]) / max(1, c1[c][1] - c0[c][1])) for c in sorted(c1))
    shutil.rmtree(work)
    scaled = "" if n == 26_000_000 else " (scaled: not a full day)"
    add_row("full", "a day of events files -> ClickHouse%s" % scaled, n, "events", "bench/load-files", r.wall, r.rss,
            kind="limit_s", target=None if scaled else 300, tcpu=r.cpu,
            note="%d rows loaded; stages %.0f CPU-s, server %.0f CPU-s; machine busy %s" % (got, r.cpu, s1 - s0, busy))


def m_batch():
    ch = server("ch")
    scale = BATCH_SCALE
    src = data("batch-%g.sqlite" % scale)
    if not os.path.exists(src):
        # two generators at once (2 cores): the big table alone, the rest, then one file
        big = "pri_cust_liab_acct_info"
        others = ",".join(t for t in batch_tables() if t != big)
        a, b = src + ".a.tmp", src + ".b.tmp"
        ps = [subprocess.Popen([os.path.join(SCRIPTS, "gen-hive-source"), a, "--scale", str(scale), "--tables", big],
                               stdout=LOGF, stderr=LOGF),
              subprocess.Popen([os.path.join(SCRIPTS, "gen-hive-source"), b, "--scale", str(scale), "--tables",
                                others], stdout=LOGF, stderr=LOGF)]
        log("making %s (the whole batch source: minutes)" % os.path.relpath(src, ROOT))
        if any(p.wait() for p in ps):
            die("gen-hive-source failed")
        import sqlite3
        db = sqlite3.connect(b)
        db.execute("ATTACH DATABASE ? AS a", (a,))
        sqltext = db.execute("SELECT sql FROM a.sqlite_master WHERE name = ?", (big,)).fetchone()[0]
        db.execute(sqltext)
        db.execute("INSERT INTO main.%s SELECT * FROM a.%s" % (big, big))
        db.commit()
        db.close()
        os.unlink(a)
        os.replace(b, src)
    bdir = tempfile.mkdtemp(prefix="batch.", dir=RUNDIR)
    env = dict(odbc_env(), CLICKHOUSE_URL=ch.url, HIVE_SOURCE=src, BATCH_DIR=bdir, BATCH_PROGRESS="0")
    # one batch-load of every table, as make batch runs it (BATCH_JOBS tables at a time)
    c0, s0 = cpu_times(), proc_cpu(ch.pid)
    r = run([os.path.join(SCRIPTS, "batch-load")] + batch_tables(), env=env,
            stdout=os.path.join(RUNDIR, "batch.out"), what="scripts/batch-load (all tables)", ok=(0, 1))
    with open(os.path.join(RUNDIR, "batch.out")) as f:
        LOGF.write(f.read())
    c1, s1 = cpu_times(), proc_cpu(ch.pid)
    busy = " ".join("%s %.0f%%" % (c, 100 * (c1[c][0] - c0[c][0]) / max(1, c1[c][1] - c0[c][1])) for c in sorted(c1))
    got = sum(int(ch.q("SELECT count() FROM dm.%s" % t)) for t in batch_tables())
    shutil.rmtree(bdir)
    scaled = "" if scale == 1 else " (scaled %g)" % scale
    add_row("full", "the batch: Hive source -> dm.* (batch-load)%s" % scaled, got, "rows", "scripts/batch-load",
            r.wall, r.rss, kind="limit_s", target=None if scaled else 120, tcpu=r.cpu,
            note="%d rows loaded (exit %d); %s tables at a time; server %.0f CPU-s; machine busy %s" % (
                got, r.rc, os.environ.get("BATCH_JOBS", "2"), s1 - s0, busy))


def batch_tables():
    out = []
    with open(os.path.join(ROOT, "sql", "batch-etl.tsv")) as f:
        for line in f:
            if line.startswith("#") or line.startswith("table\t"):
                continue
            out.append(line.split("\t")[0])
    return out


# ---------------------------------------------------------------- main

def main():
    global OUT, DATA, RUNDIR, LOGF, LOGPATH, ROUNDS, HEADER_MD
    global N_SA, N_MIX, N_JQ, N_E2E, N_DAY, HIVE_SCALE, CONTACT_COPIES, BATCH_SCALE
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scale", default=os.environ.get("BENCH_SCALE") or "1")
    ap.add_argument("--only", default=os.environ.get("BENCH_ONLY") or "")
    ap.add_argument("--rounds", type=int, default=int(os.environ.get("BENCH_ROUNDS") or 5))
    ap.add_argument("--out", default=os.environ.get("BENCH_OUT") or os.path.join(ROOT, "bench", "out"))
    ap.add_argument("--data", default=os.environ.get("BENCH_DATA") or "")
    a = ap.parse_args()
    full = a.scale == "full"
    try:
        scale = 1.0 if full else float(a.scale)
    except ValueError:
        ap.error("--scale: a number or 'full'")
    if scale <= 0:
        ap.error("--scale must be > 0")
    only = [x for x in re.split(r"[,\s]+", a.only) if x]
    for x in only:
        if x not in GROUPS:
            ap.error("unknown measurement %r (known: %s)" % (x, " ".join(GROUPS)))
    groups = only or [g for g in GROUPS if full or g not in ("day", "batch")]
    ROUNDS = max(1, a.rounds)
    OUT = os.path.abspath(a.out)
    DATA = os.path.abspath(a.data or os.path.join(OUT, "data"))
    os.makedirs(os.path.join(OUT, "logs"), exist_ok=True)
    os.makedirs(DATA, exist_ok=True)
    RUNDIR = tempfile.mkdtemp(prefix="run.", dir=OUT)
    LOGPATH = os.path.join(OUT, "logs", "bench.log")
    LOGF = open(LOGPATH, "w")
    N_SA = int(1_000_000 * scale)
    N_MIX = int(500_000 * scale)
    N_JQ = max(10_000, int(50_000 * scale))
    N_E2E = 2_600_000 if full else int(500_000 * scale)
    N_DAY = 26_000_000 if full else int(os.environ.get("BENCH_DAY_EVENTS") or 2_600_000 * scale)
    BATCH_SCALE = 1.0 if full else float(os.environ.get("BENCH_BATCH_SCALE") or min(1.0, 0.1 * scale))
    HIVE_SCALE = min(10.0, 0.02 * scale)
    CONTACT_COPIES = max(1, int(10 * scale))
    HEADER_MD = ("Scale %s, %d rounds (medians), %d CPUs, %s, load average %.1f at the start; ratios are "
                 "tool ÷ baseline measured in this run (rates for ≥ targets, times for ≤ targets)." % (
                     a.scale, ROUNDS, os.cpu_count(), time.strftime("%Y-%m-%d %H:%M"), os.getloadavg()[0]))

    def on_term(sig, frm):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, on_term)
    read_types()
    for t in [os.path.join(BIN, x) for x in ("ev2tsv", "chload", "hive2tsv", "contact-merge", "kprod", "kcat-split")] + \
            [os.path.join(BBIN, x) for x in ("rstime", "simdjson-ev2tsv", "odbc-fetch")]:
        if not os.access(t, os.X_OK):
            die("%s is not built (make bench builds it)" % t)
    for t in ("jq", "kcat", "isql", "curl", "psql", "java"):
        if not shutil.which(t):
            die("%s is not installed (apt-get install %s)" % (t, {"isql": "unixodbc", "psql": "postgresql",
                                                                  "java": "openjdk-17-jre-headless"}.get(t, t)))
    t_start = time.monotonic()
    try:
        # data first, two generators at a time
        jobs = []
        if set(groups) & {"ev2tsv", "chload"}:
            jobs.append((data("sa-%d.jsonl" % N_SA), gen_events_cmd(N_SA, 1, "sa")))
        if set(groups) & {"ev2tsv", "chload", "kcat-split", "kprod"} or ("e2e" in groups and N_E2E == N_MIX):
            jobs.append((data("mix-%d.jsonl" % N_MIX), gen_events_cmd(N_MIX, 2)))
        gen_parallel(jobs)
        if set(groups) & {"ev2tsv", "chload"}:
            ev2tsv_file(data("sa-%d.jsonl" % N_SA), "dm_v_tr_sa_mx", data("sa-%d.tsv" % N_SA))
            split_by_type(data("mix-%d.jsonl" % N_MIX), data("mix-%d" % N_MIX))
        log("data ready in %.0f s; measuring: %s" % (time.monotonic() - t_start, " ".join(groups)))
        for g in groups:
            t0 = time.monotonic()
            {"ev2tsv": m_ev2tsv, "chload": m_chload, "kcat-split": m_kcat_split, "kprod": m_kprod,
             "hive2tsv": m_hive2tsv, "contact-merge": m_contact_merge, "e2e": m_e2e, "day": m_day,
             "batch": m_batch}[g]()
            log("%s done in %.0f s" % (g, time.monotonic() - t0))
    except KeyboardInterrupt:
        log("interrupted")
        stop_servers()
        sys.exit(130)
    finally:
        stop_servers()
        shutil.rmtree(RUNDIR, ignore_errors=True)
    HEADER_MD += " Load average %.1f at the end (other work on the machine skews times)." % os.getloadavg()[0]
    write_results()
    print_table()
    log("total %.0f s" % (time.monotonic() - t_start))


if __name__ == "__main__":
    main()
