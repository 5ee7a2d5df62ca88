"""The drivers: wrk when it is installed (a Lua script takes the cold runs' paths in
turn), else a Python driver at the same concurrency; each gives a ``Result``."""

from __future__ import annotations

import http.client
import itertools
import math
import re
import shutil
import subprocess
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from benchmarks.places import WORK


@dataclass
class Result:
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    # Socket errors, timeouts and responses other than 2xx/3xx, by kind, e.g.
    # {"read": 3, "non-2xx/3xx": 2}; kinds that did not occur are left out.
    error_kinds: dict[str, int] = field(default_factory=dict)

    @property
    def errors(self) -> int:
        return sum(self.error_kinds.values())

    def errors_described(self) -> str:
        """The errors' kinds and counts, e.g. "read 3, non-2xx/3xx 2" (empty: none)."""
        return ", ".join(f"{kind} {n:,}" for kind, n in sorted(self.error_kinds.items()))


LUA_SCRIPT = """\
-- Cold runs: each request takes the next path of a file (one path a line). Arguments: the
-- file, the thread count. Each thread has its own share of the paths (every n-th one, from
-- its own place), so that no two threads ask for the same address; once a thread has been
-- through its share, it adds round=N to each path, so that no address is ever asked twice
-- and the page cache never answers.
local threads = 0
function setup(thread)
  thread:set("number", threads)
  threads = threads + 1
end

local paths, i, done = {}, 0, 0
function init(args)
  local all = {}
  for line in io.lines(args[1]) do
    all[#all + 1] = line
  end
  for n = number + 1, #all, tonumber(args[2]) do
    paths[#paths + 1] = all[n]
  end
  if #paths == 0 then
    paths = all
  end
end

function request()
  i = i % #paths + 1
  done = done + 1
  local path = paths[i]
  local round = math.floor((done - 1) / #paths)
  if round > 0 then
    local glue = string.find(path, "?", 1, true) and "&" or "?"
    path = path .. glue .. "round=" .. number .. "-" .. round
  end
  return wrk.format("GET", path)
end
"""

# What every request accepts, as Chrome and Firefox send it: the site answers anonymous
# readers in Brotli, and a person's page is 33 kB so, 480 kB not.
ACCEPT_ENCODING = "gzip, deflate, br, zstd"

UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def to_ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text.strip()).groups()
    return float(number) * UNITS_MS[unit]


def parse_wrk(output: str) -> Result:
    """The numbers of `wrk --latency`'s report."""
    requests, seconds = re.search(r"(\d+) requests in ([\d.]+\w+),", output).groups()
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", output, re.M))
    kinds = {kind: int(n) for kind, n in re.findall(r"(connect|read|write|timeout) (\d+)", output)}
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    kinds["non-2xx/3xx"] = int(non_2xx.group(1)) if non_2xx else 0
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    return Result(
        requests=int(requests),
        seconds=to_ms(seconds) / 1000,
        rps=rps,
        p50_ms=to_ms(latency["50"]) if "50" in latency and int(requests) else math.nan,
        p99_ms=to_ms(latency["99"]) if "99" in latency and int(requests) else math.nan,
        error_kinds={kind: n for kind, n in kinds.items() if n},
    )


def run_wrk(
    base: str, target: str | list[str], seconds: int, connections: int, threads: int
) -> Result:
    command = [
        shutil.which("wrk") or "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "--timeout",
        "60s",
        "--header",
        f"Accept-Encoding: {ACCEPT_ENCODING}",
    ]
    if isinstance(target, list):
        paths = WORK / "cold-paths.txt"
        paths.write_text("\n".join(target) + "\n")
        script = WORK / "cold.lua"
        script.write_text(LUA_SCRIPT)
        command += ["-s", str(script), base, "--", str(paths), str(threads)]
    else:
        command.append(base + target)
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed: {done.stderr.strip() or done.stdout.strip()}")
    return parse_wrk(done.stdout)


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile of an already sorted list (nan when empty)."""
    if not sorted_values:
        return math.nan
    return sorted_values[max(1, math.ceil(fraction * len(sorted_values))) - 1]


def thread_paths(paths: Sequence[str], thread: int, threads: int):
    """What the Lua script does: the thread's own share of the paths (every threads-th one,
    from its own place) in turn, and round=N added once the thread has been through them:
    no address is asked twice, by this thread or another. A single path (a warm run) is
    repeated as it is."""
    if len(paths) == 1:
        yield from itertools.repeat(paths[0])
        return
    share = list(paths[thread::threads]) or list(paths)
    for done, path in enumerate(itertools.cycle(share)):
        round_ = done // len(share)
        if round_:
            path += ("&" if "?" in path else "?") + f"round={thread}-{round_}"
        yield path


def run_python(
    base: str, target: str | list[str], seconds: int, connections: int, threads: int = 0
) -> Result:
    """The same measure without wrk: ``connections`` threads, each with one keep-alive
    connection, sending requests back to back for ``seconds``."""
    parsed = urllib.parse.urlsplit(base)
    paths = target if isinstance(target, list) else [target]
    latencies: list[list[float]] = [[] for _ in range(connections)]
    errors: list[Counter[str]] = [Counter() for _ in range(connections)]
    deadline = time.monotonic() + seconds

    def work(n: int) -> None:
        connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)
        for path in thread_paths(paths, n, connections):
            if time.monotonic() >= deadline:
                break
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers={"Accept-Encoding": ACCEPT_ENCODING})
                response = connection.getresponse()
                response.read()
                if response.status >= 400:
                    errors[n][f"status {response.status}"] += 1
            except (OSError, http.client.HTTPException) as error:
                errors[n][type(error).__name__] += 1
                connection.close()
                connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)
                continue
            latencies[n].append((time.perf_counter() - started) * 1000)
        connection.close()

    started = time.monotonic()
    workers = [threading.Thread(target=work, args=(n,)) for n in range(connections)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.monotonic() - started
    done = sorted(itertools.chain.from_iterable(latencies))
    return Result(
        requests=len(done),
        seconds=elapsed,
        rps=len(done) / elapsed,
        p50_ms=percentile(done, 0.50),
        p99_ms=percentile(done, 0.99),
        error_kinds=dict(sum(errors, Counter())),
    )
