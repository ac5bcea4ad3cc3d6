#!/usr/bin/env python3
"""What the machine spends on a benchmark's run, sampled from /proc and pg_stat_activity.

    load-sampler.py record OUT DB [INTERVAL]   # until SIGTERM: one line per sample to OUT
    load-sampler.py summary OUT T0 T1          # CPU per group and the backends' waits between epochs T0 and T1

Groups: the benchmark's JVMs (java with -Dbackfill.bench=ROLE on its command line, by ROLE), the PostgreSQL
backends of database DB (their process title names it), PostgreSQL's own processes (WAL writer, checkpointer,
background writer, autovacuum: shared with anything else on the server), and the whole machine (/proc/stat).
Waits: the wait_event of DB's active client backends at each sample ('CPU' when none), as psql reads it.
"""
import json, os, signal, subprocess, sys, time

TICK = os.sysconf('SC_CLK_TCK')


def procs(db):
    groups = {}
    for pid in os.listdir('/proc'):
        if not pid.isdigit():
            continue
        try:
            cmd = open(f'/proc/{pid}/cmdline', 'rb').read().replace(b'\0', b' ').decode(errors='replace')
            stat = open(f'/proc/{pid}/stat').read()
        except OSError:
            continue
        fields = stat[stat.rindex(')') + 2:].split()
        ticks = int(fields[11]) + int(fields[12])
        group = None
        if cmd.startswith('java') or '/java ' in cmd.split(' -')[0] + ' ':
            for part in cmd.split():
                if part.startswith('-Dbackfill.bench='):
                    group = 'jvm ' + part.split('=', 1)[1]
        elif cmd.startswith('postgres: '):
            title = cmd.split()
            if f' {db} ' in cmd or cmd.rstrip().endswith(f' {db}'):
                group = 'postgres backends'
            elif any(w in cmd for w in ('walwriter', 'checkpointer', 'background writer', 'autovacuum', 'walsender')):
                group = 'postgres own'
        if group:
            groups.setdefault(group, {})[pid] = ticks
    return groups


def machine():
    cpu = open('/proc/stat').readline().split()[1:]
    vals = [int(v) for v in cpu]
    idle = vals[3] + vals[4]
    return sum(vals) - idle, sum(vals)


def waits(db):
    q = (f"SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU'), count(*) FROM pg_stat_activity "
         f"WHERE datname = '{db}' AND state = 'active' AND backend_type = 'client backend' "
         f"AND pid <> pg_backend_pid() GROUP BY 1")
    try:
        out = subprocess.run(['psql', '-X', '-At', '-F', '\t', '-d', 'postgres', '-c', q], capture_output=True,
                             text=True, timeout=5).stdout
    except subprocess.TimeoutExpired:
        return {}
    return {line.split('\t')[0]: int(line.split('\t')[1]) for line in out.splitlines() if '\t' in line}


def record(out, db, interval):
    stop = []
    signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
    with open(out, 'w') as f:
        while not stop:
            busy, total = machine()
            f.write(json.dumps({'t': time.time(), 'procs': procs(db), 'busy': busy, 'total': total,
                                'waits': waits(db)}) + '\n')
            f.flush()
            time.sleep(interval)


def summary(out, t0, t1):
    samples = [json.loads(line) for line in open(out) if line.strip()]
    window = [s for s in samples if t0 <= s['t'] <= t1]
    if len(window) < 2:
        print('  (too few samples in the window)')
        return
    first, last = window[0], window[-1]
    seconds = last['t'] - first['t']
    cores = {}
    for group in sorted(set(last['procs']) | set(first['procs'])):
        before, after = first['procs'].get(group, {}), last['procs'].get(group, {})
        ticks = 0
        for pid in set(after) | set(before):
            # a process that started in the window counts from 0; one that ended, up to its last sample
            last_seen = max((s['procs'].get(group, {}).get(pid, 0) for s in window), default=0)
            ticks += last_seen - before.get(pid, 0)
        cores[group] = ticks / TICK / seconds
    busy = (last['busy'] - first['busy']) / (last['total'] - first['total']) * os.cpu_count()
    parts = [f'{g} {c:.2f}' for g, c in sorted(cores.items())]
    print(f'  cores used over {seconds:.1f} s: ' + ', '.join(parts) + f'; whole machine {busy:.2f} of {os.cpu_count()}')
    counts = {}
    for s in window:
        for w, n in s['waits'].items():
            counts[w] = counts.get(w, 0) + n
    total = sum(counts.values()) or 1
    top = sorted(counts.items(), key=lambda kv: -kv[1])[:6]
    print(f'  active backends sampled {total} times ({total / len(window):.1f} on average): '
          + ', '.join(f'{w} {n / total:.0%}' for w, n in top))


if __name__ == '__main__':
    if sys.argv[1] == 'record':
        record(sys.argv[2], sys.argv[3], float(sys.argv[4]) if len(sys.argv) > 4 else 0.5)
    else:
        summary(sys.argv[2], float(sys.argv[3]), float(sys.argv[4]))
