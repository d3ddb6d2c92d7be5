"""Lesson: the lecture's closing exercise. Fetch a list of URLs with requests one after
another, then on hand-made threads (one per URL), then on a ThreadPoolExecutor.

Where the URLs come from (`source`):
- local (the default): a small site gilviz serves itself on 127.0.0.1 (local_site.py)
  for the length of the run, with a chosen latency and page size and, on request, pages
  that fail (a 500, a page slower than the timeout, a refused port, a mistyped URL). The
  lesson then gives the same picture in any hall, with or without internet.
- web: the lecture's list, editable. Offline, every URL simply says it cannot resolve
  its host, and the run goes on.

The result: `strategies` holds the seconds each strategy took (only those that ran to
the end), `speedup` threads and pool against sequential. `urls` has one row per URL in
list order (url, status, bytes, seconds, error) from the pool, the strategy the exercise
ends with (or the last one Stop let start). `per_strategy` is one flat list of the same
rows for every strategy that started, each naming its `strategy`, the thread that
fetched it and when (worker; start and end in seconds from the start of that strategy).
An invalid URL is never requested: its row says what is wrong. A URL a strategy never
reached because of Stop says "not fetched (stopped)".
"""

from __future__ import annotations

import contextlib
import math
import socket
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Any
from urllib.parse import urlsplit

import requests
from urllib3.exceptions import (
    LocationParseError,
    NameResolutionError,
    ProtocolError,
    ReadTimeoutError,
)

from gilviz.core.cpu_load import OthersCpu
from gilviz.core.lesson import Lesson
from gilviz.core.params import ChoiceParam, FloatParam, IntParam, LinesParam
from gilviz.core.stop import StopToken
from gilviz.core.telemetry import Lane, Probe
from gilviz.core.verdict import (
    INCONCLUSIVE,
    NO_GAIN,
    PARALLEL,
    STOPPED,
    busy_reason,
    is_busy,
    speed_class,
    too_short,
    too_short_reason,
)
from gilviz.demos.chapters import EXERCISE
from gilviz.demos.common import MAIN
from gilviz.demos.local_site import HOST, LECTURE_SITES, LocalSite
from gilviz.demos.stoppable_http import Cutter, cut_on_stop, stoppable_session

SEQUENTIAL, THREADS, POOL = "sequential", "threads", "pool"
STRATEGIES = (SEQUENTIAL, THREADS, POOL)
LOCAL, WEB = "local", "web"
NONE, SOME = "none", "some"

LECTURE_URLS = (
    "https://stackoverflow.com", "https://github.com", "https://python.org",
    "https://wikipedia.org", "https://reddit.com", "https://google.com",
    "https://youtube.com",
)
UNRESOLVED = "cannot resolve host (offline?)"
REFUSED = "connection refused"
NOT_FETCHED = "not fetched (stopped)"
CUT_SHORT = "stopped during the request"
WAIT_STEP_S = 0.05  # how often the main thread looks at Stop while the pool works


def url_problem(url: str) -> str | None:
    """Why this text is not a URL gilviz will fetch, or None. Only http and https with a
    host name are requested: no file:, javascript:, ftp: or other schemes."""
    if any(ch.isspace() for ch in url):
        return "contains a space"
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError for a port that is not a number in range
    except ValueError as exc:
        return f"not a URL ({exc})"
    if parts.scheme not in ("http", "https"):
        got = f" (got {parts.scheme}:)" if parts.scheme else " (add https:// in front?)"
        return f"only http:// and https:// URLs are fetched{got}"
    if not parts.hostname:
        return "no host name"
    try:
        parts.hostname.encode("idna")
    except UnicodeError:
        return "not a host name (a part between dots is empty or over 63 characters)"
    return None


SOURCE = ChoiceParam(
    "source", "Source",
    "Where the URLs come from: a test site gilviz serves on this machine (works offline), "
    "or the real web",
    choices=(LOCAL, WEB),
    choice_labels=("local test site", "the real web"),
)
WORKERS = IntParam(
    "workers", "Pool workers", "How many threads the ThreadPoolExecutor may use",
    default_value=4, minimum=1, maximum=64,
)
TIMEOUT = FloatParam(
    "timeout_s", "Timeout", "How long each request may wait to connect or for data "
    "before it gives up (requests' timeout=)",
    default_value=2.0, minimum=0.1, maximum=30.0, unit="s",
)
ON_LOCAL = ("source", LOCAL)
LATENCY = FloatParam(
    "latency_s", "Latency", "How long the local site waits before it answers, "
    "as a far-away server would",
    default_value=0.5, minimum=0.0, maximum=2.0, unit="s", shown_when=ON_LOCAL,
)
PAGE_KIB = IntParam(
    "page_kib", "Page size (KiB)", "How big each local page is, in KiB",
    default_value=64, minimum=1, maximum=4096, shown_when=ON_LOCAL,
)
ERRORS = ChoiceParam(
    "errors", "Failures",
    "Add local URLs that fail: one answers HTTP 500, one is slower than the timeout, one "
    "port refuses connections, one URL is mistyped",
    choices=(NONE, SOME), choice_labels=("none", "500, slow, refused, typo"),
    shown_when=ON_LOCAL,
)
URLS = LinesParam(
    "urls", "URLs", "The URLs fetched when Source is the real web: one http(s) URL "
    "per line; a line that is not one is marked and skipped",
    default_value=LECTURE_URLS, max_lines=50, max_line_length=500, line_problem=url_problem,
    shown_when=("source", WEB),
)


def fetch_url(session: requests.Session, url: str, timeout_s: float) -> dict[str, Any]:
    """The lecture's fetch_url, fit for a list of strangers' URLs: a timeout on the call,
    and one plain message instead of a traceback when it fails."""
    started = time.perf_counter()
    status, size, error = None, 0, None
    try:
        response = session.get(url, timeout=timeout_s)
        status, size = response.status_code, len(response.content)
        if status >= 400:
            error = f"HTTP {status}"
    except requests.Timeout:  # first: a ConnectTimeout is a ConnectionError as well
        error = f"timeout after {timeout_s:g} s"
    except requests.ConnectionError as exc:
        error = connection_problem(exc, timeout_s)
    except (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema,
            requests.exceptions.InvalidSchema):
        error = "invalid URL"
    except LocationParseError:  # urllib3's, when the host name cannot be encoded
        error = "invalid URL"
    except requests.RequestException as exc:
        error = f"request failed ({type(exc).__name__})"
    except Exception as exc:  # whatever else: this URL fails alone, the others go on
        error = f"request failed ({type(exc).__name__}: {exc})"[:200]
    return {"url": url, "status": status, "bytes": size,
            "seconds": round(time.perf_counter() - started, 4), "error": error}


def fetch_sequentially(urls: Sequence[str], timeout_s: float, record: Recorder) -> None:
    """The lecture's loop: one request after another, all on the main thread."""
    with record.session() as session:
        for url in urls:
            if record.stopped():  # Stop: leave the remaining URLs alone
                return
            record.fetch(session, url, timeout_s)


def fetch_with_threads(urls: Sequence[str], timeout_s: float, record: Recorder) -> None:
    """The exercise with threading: one thread per URL, all started, then all joined."""

    def fetch_one(url: str) -> None:
        with record.own_lane(), record.session() as session:  # a Session per thread
            if not record.stopped():
                record.fetch(session, url, timeout_s)

    threads = [threading.Thread(target=fetch_one, args=(url,), name=f"Thread-{i + 1}")
               for i, url in enumerate(urls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()  # each ends within one request's timeout


def fetch_with_pool(urls: Sequence[str], timeout_s: float, workers: int,
                    record: Recorder) -> None:
    """The exercise with concurrent.futures: `workers` threads take the URLs in turn."""
    local = threading.local()
    sessions: list[requests.Session] = []

    def open_session() -> None:  # runs once in each worker thread, as it starts
        local.session = record.session()
        sessions.append(local.session)

    def fetch_one(url: str) -> None:
        if not record.stopped():
            record.fetch(local.session, url, timeout_s)

    pool = ThreadPoolExecutor(workers, thread_name_prefix="pool-worker",
                              initializer=open_session)
    try:
        futures = [pool.submit(fetch_one, url) for url in urls]
        record.wait_for(futures)  # returns early on Stop
    finally:
        pool.shutdown(wait=True, cancel_futures=True)  # drops the URLs still queued
        for session in sessions:
            session.close()
    record.finish_lanes()


class Recorder:
    """What the window and the result see of the fetches: a row per request (who, when,
    how it went), the thread rows, the log. Kept apart so the strategies read like the
    lecture's code."""

    def __init__(self, probe: Probe) -> None:
        self.probe = probe
        self.urls: list[str] = []  # the whole list, invalid lines included
        self.strategy = ""
        self.starts: dict[str, float] = {}  # strategy -> when it began (run clock)
        self.seconds: dict[str, float] = {}  # strategy -> how long it took, once it ended
        self.rows: list[dict[str, Any]] = []  # appended as requests start, filled as they end
        self.cutter = Cutter()  # Stop cuts the requests in flight through it
        self._lanes: list[Lane] = []

    def session(self) -> requests.Session:
        """A requests.Session whose requests Stop cuts short (see stoppable_http)."""
        return stoppable_session(self.cutter)

    def begin(self, strategy: str) -> None:
        self.strategy = strategy
        self.starts[strategy] = self.probe.now()

    def stopped(self) -> bool:
        return self.probe.stop.is_set()

    def fetch(self, session: requests.Session, url: str, timeout_s: float) -> None:
        """fetch_url on the calling thread, shown as a blocked (waiting) span."""
        lane = self.probe.lane()
        if lane not in self._lanes:
            self._lanes.append(lane)
        # Every key is there from the start: the reader copies rows while they are being
        # filled in, and a dict that only changes values never changes size under it.
        row: dict[str, Any] = {"strategy": self.strategy, "worker": lane.name, "url": url,
                               "status": None, "bytes": 0, "seconds": None, "error": None,
                               "start": self.probe.now(), "end": None}
        self.rows.append(row)
        with lane.blocked("I/O"):
            outcome = fetch_url(session, url, timeout_s)
        if outcome["error"] and self.cutter.is_cut():
            outcome["error"] = CUT_SHORT
        row.update(outcome, end=self.probe.now())
        lane.tick()
        if outcome["error"]:
            lane.say(f"{url}: {outcome['error']}")
        else:
            lane.say(f"Fetched {url} with status code {outcome['status']}, "
                     f"{outcome['bytes']:,} bytes in {outcome['seconds']:.2f} s")

    @contextlib.contextmanager
    def own_lane(self) -> Iterator[None]:
        """The calling thread's row in the window, marked done when the thread is."""
        lane = self.probe.lane()
        lane.run()
        try:
            yield
        finally:
            lane.finish()

    def wait_for(self, futures: list[Future]) -> None:
        """Wait for the futures as the main thread, looking at Stop every 50 ms."""
        pending = set(futures)
        with self.probe.lane(MAIN).blocked("result"):
            while pending and not self.stopped():
                _, pending = wait(pending, WAIT_STEP_S)
        for future in futures:
            if future.done() and not future.cancelled():
                future.result()  # re-raises a bug in a task, for the runner to report

    def finish_lanes(self) -> None:
        """Pool workers outlive their tasks; once the pool is shut down, close their rows."""
        for lane in self._lanes:
            if lane.name != MAIN:
                lane.finish()

    def view(self) -> dict[str, Any]:
        """The live value the window draws from (plain data: it may cross a process)."""
        return {"urls": list(self.urls), "starts": dict(self.starts),
                "seconds": dict(self.seconds), "rows": [dict(row) for row in self.rows]}


def connection_problem(exc: BaseException, timeout_s: float) -> str:
    """A requests ConnectionError in plain words, from the causes it wraps."""
    if isinstance(exc, requests.exceptions.SSLError):
        return "TLS/SSL handshake failed"
    for cause in _causes(exc):
        if isinstance(cause, NameResolutionError | socket.gaierror):
            return UNRESOLVED
        if isinstance(cause, ConnectionRefusedError):
            return REFUSED
        if isinstance(cause, ReadTimeoutError | TimeoutError):
            return f"timeout after {timeout_s:g} s"
        if isinstance(cause, ConnectionResetError):
            return "connection reset by the server"
        if isinstance(cause, ProtocolError):
            return "the server broke off the answer"
    return "connection failed"


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """The exception and everything it wraps (args, urllib3's .reason, __cause__)."""
    todo, seen = [exc], set()
    while todo:
        current = todo.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        todo.extend(arg for arg in current.args if isinstance(arg, BaseException))
        for linked in (getattr(current, "reason", None), current.__cause__,
                       current.__context__):
            if isinstance(linked, BaseException):
                todo.append(linked)


def local_urls(site: LocalSite, params: dict[str, Any]) -> list[str]:
    """Stand-ins for the lecture's sites; with failures on, four broken URLs at the end."""
    urls = [site.url(name) for name in LECTURE_SITES]
    if params["errors"] == SOME:
        slow = min(params["timeout_s"] + 1.0, 30.0)
        urls += [site.url("server-error", status=500), site.url("too-slow", delay=slow),
                 site.refused_url(), site.url("typo").replace("http://", "htp://", 1)]
    return urls


def run(params: dict[str, Any], probe: Probe, stop: StopToken) -> dict[str, Any]:
    main = probe.lane(MAIN)
    main.run()
    record = Recorder(probe)
    probe.watch("fetch", record.view)
    others = OthersCpu()
    with contextlib.ExitStack() as cleanup:
        cleanup.enter_context(cut_on_stop(stop, record.cutter))
        server = None
        if params["source"] == LOCAL:
            site = cleanup.enter_context(LocalSite(params["latency_s"], params["page_kib"]))
            server = f"http://{HOST}:{site.port}"
            urls = local_urls(site, params)
            main.say(f"serving {len(LECTURE_SITES)} pages on {server} "
                     f"({params['latency_s']:g} s latency, {params['page_kib']} KiB each)")
        else:
            urls = list(params["urls"])
        record.urls = urls
        valid = [url for url in urls if url_problem(url) is None]
        for url in urls:
            if url not in valid:
                main.say(f"skipping {url!r}: {url_problem(url)}")
        timeout_s = params["timeout_s"]
        for strategy in STRATEGIES:
            if stop.is_set():
                break
            main.say(f"{strategy}: fetching {len(valid)} URLs")
            record.begin(strategy)
            started = time.perf_counter()
            if strategy == SEQUENTIAL:
                fetch_sequentially(valid, timeout_s, record)
            elif strategy == THREADS:
                with main.blocked("result"):
                    fetch_with_threads(valid, timeout_s, record)
            else:
                fetch_with_pool(valid, timeout_s, params["workers"], record)
            if not stop.is_set():
                record.seconds[strategy] = time.perf_counter() - started
                main.say(f"{strategy}: {record.seconds[strategy]:.2f} s")
    main.finish()
    result = {**summarise(params, urls, record, server), "others_cpu_pct": others.percent(),
              "stopped": stop.is_set() or len(record.seconds) < len(STRATEGIES)}
    return {**result, "verdict": verdict(result)}


def summarise(params: dict[str, Any], urls: list[str], record: Recorder,
              server: str | None) -> dict[str, Any]:
    timings = record.seconds
    started = [strategy for strategy in STRATEGIES if strategy in record.starts]
    per_strategy = {strategy: rows_in_order(urls, record, strategy) for strategy in started}
    rows = per_strategy[started[-1]] if started else []  # the pool's, unless Stop came first
    sequential = timings.get(SEQUENTIAL)
    speedup = {strategy: round(sequential / timings[strategy], 2)
               for strategy in (THREADS, POOL)
               if sequential and timings.get(strategy)}
    return {
        "source": params["source"],
        "server": server,
        "workers": params["workers"],
        "timeout_s": params["timeout_s"],
        "latency_s": params["latency_s"] if params["source"] == LOCAL else None,
        "strategies": {strategy: round(seconds, 4) for strategy, seconds in timings.items()},
        "speedup": speedup,
        "fetched": sum(1 for row in rows if row["status"] is not None and not row["error"]),
        "failed": sum(1 for row in rows if row["error"]),
        "urls": rows,
        "per_strategy": [{"strategy": strategy, **row}
                         for strategy, rows in per_strategy.items() for row in rows],
    }


def align(urls: Sequence[str], rows: Sequence[dict[str, Any]],
          strategy: str) -> list[dict[str, Any] | None]:
    """A strategy's request rows lined up with the URL list (None: no request for that
    URL, yet or at all). Matched in order, so a URL listed twice gets both its rows."""
    mine = [row for row in rows if row["strategy"] == strategy]
    lined_up: list[dict[str, Any] | None] = []
    for url in urls:
        match = next((row for row in mine if row["url"] == url), None)
        if match is not None:
            mine.remove(match)
        lined_up.append(match)
    return lined_up


def rows_in_order(urls: list[str], record: Recorder, strategy: str) -> list[dict[str, Any]]:
    """One finished row per URL, in list order, for one strategy."""
    start = record.starts[strategy]
    rows = []
    for url, match in zip(urls, align(urls, record.rows, strategy), strict=True):
        if match is None or match["end"] is None:
            problem = url_problem(url)
            rows.append({"url": url, "status": None, "bytes": 0, "seconds": 0.0,
                         "error": f"invalid URL: {problem}" if problem else NOT_FETCHED,
                         "worker": None, "start": None, "end": None})
            continue
        rows.append({key: match[key] for key in ("url", "status", "bytes", "seconds",
                                                  "error", "worker")}
                    | {"start": round(match["start"] - start, 4),
                       "end": round(match["end"] - start, 4)})
    return rows


# Verdicts: parallel (the threads' waits overlapped: one thread per URL, and the pool
# when it has more than one worker, clearly beat one after another), no-gain, slower,
# inconclusive (a busy machine, or threads and pool disagree), offline (no host could be
# resolved), failed (no URL answered), stopped (not every strategy ran to the end).
OFFLINE = "offline"
FAILED = "failed"


def _asked(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [row for row in result["urls"] if not (row["error"] or "").startswith("invalid URL")]


def times_of(result: dict[str, Any]) -> float:
    """The longest strategy's time: what a too-short run is judged by."""
    return max(result["strategies"].values())


def verdict(result: dict[str, Any]) -> str:
    asked = _asked(result)
    if asked and all(row["error"] == UNRESOLVED for row in asked):
        return OFFLINE
    if result.get("stopped") or len(result["strategies"]) < len(STRATEGIES):
        return STOPPED
    if not result["fetched"]:
        return FAILED
    speedup = result["speedup"]
    if THREADS not in speedup:
        return FAILED
    if too_short(times_of(result)):
        return INCONCLUSIVE
    classes = {speed_class(speedup[THREADS])}
    if result["workers"] > 1 and POOL in speedup:
        classes.add(speed_class(speedup[POOL]))
    if len(classes) > 1:
        return INCONCLUSIVE
    (measured,) = classes
    if measured != PARALLEL and is_busy(result.get("others_cpu_pct")):
        return INCONCLUSIVE  # a busy machine cannot fake overlapping waits, only hide them
    return measured


def takeaway(result: dict[str, Any]) -> str:
    verdict_, times, rows = verdict(result), result["strategies"], result["urls"]
    if verdict_ == OFFLINE:
        return ("No host could be resolved: this machine looks offline. Each URL said so "
                "on its own row and nothing hung; choose the local test site to watch the "
                "waits overlap.")
    if verdict_ == STOPPED:
        done = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in times.items())
        return (f"Stopped before every strategy ran to the end{' (' + done + ')' if done else ''}"
                ": there is no comparison to draw.")
    failures = (f" {result['failed']} of {len(rows)} failed, each on its own row, and the "
                "others went on." if result["failed"] else "")
    if verdict_ == FAILED:
        return f"No URL answered, so the times say nothing about overlapping waits.{failures}"
    speedup = result["speedup"]
    requested = len(_asked(result))
    waves = math.ceil(requested / result["workers"]) if requested else 0
    pool = (f"a pool of {result['workers']} {times[POOL]:.2f} s "
            f"({speedup[POOL]:.2f}x" + (f", {waves} waves" if waves > 1 else "") + ")"
            if POOL in speedup else f"a pool of {result['workers']} {times[POOL]:.2f} s")
    text = (f"{requested} requests: one after another {times[SEQUENTIAL]:.2f} s, one thread "
            f"each {times[THREADS]:.2f} s ({speedup[THREADS]:.2f}x), {pool}")
    if verdict_ == PARALLEL:
        return (f"{text}. A thread waiting for the network does not hold the GIL, so the "
                f"waits overlapped.{failures}")
    if verdict_ == INCONCLUSIVE:
        why = (too_short_reason(times_of(result), "give the local site some latency")
               if too_short(times_of(result))
               else busy_reason(result["others_cpu_pct"])
               if is_busy(result.get("others_cpu_pct"))
               else "threads and pool disagree; run it again")
        return f"{text}. But {why}.{failures}"
    slow = "no gain" if verdict_ == NO_GAIN else "threads were slower"
    if result.get("latency_s") == 0:
        why = ("with no latency a request is mostly Python work (requests here, the local "
               "site's server too), which needs the GIL, so there are no waits to overlap. "
               "Give the site some latency.")
    else:
        why = ("the requests spent little time waiting, so there was little to overlap; "
               "threads only help while they wait.")
    return f"{text}: {slow}, because {why}{failures}"


def short_name(url: str) -> str:
    """A bar label: the host, or for the local site the page it stands in for."""
    parts = urlsplit(url)
    host = parts.hostname or url
    if host in ("127.0.0.1", "localhost"):
        return parts.path.strip("/") or host
    return host.removeprefix("www.")


LESSON = Lesson(
    id="fetch",
    title="Fetching URLs: sequential, threads, pool",
    chapter=EXERCISE,
    blurb="The same list of URLs fetched one after another, on one thread each and on a "
          "pool: watch the waits overlap.",
    params=(SOURCE, WORKERS, TIMEOUT, LATENCY, PAGE_KIB, ERRORS, URLS),
    run=run,
    takeaway=takeaway,
    verdict=verdict,
    workload=(fetch_url, fetch_sequentially, fetch_with_threads, fetch_with_pool, run),
)
