"""Choose and open an executor by name: ``local``, or ``dask`` (a scheduler's address or a cluster here)."""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Iterator
from typing import Any

from ...errors import UsageError
from .base import Executor, LocalExecutor, checked_jobs
from .on_dask import DaskExecutor

__all__ = ["EXECUTORS", "SCHEDULER_ENV", "MISSING_DASK", "dashboard_link", "open_executor"]

#: The executors by name; ``local`` is the default.
EXECUTORS = ("local", "dask")
#: Dask's own variable for the scheduler's address, read when no address is given.
SCHEDULER_ENV = "DASK_SCHEDULER_ADDRESS"
MISSING_DASK = "the Dask executor needs dask's distributed package; install it with pip install 'htq-mark[dask]'."
_CONNECT_TIMEOUT_S = 10
_DASHBOARD_PROBE_S = 2
# The scheduler gives up on a task after it has killed this many workers plus one, so a document that
# kills its worker twice is reported as worker-lost (on a cluster started here).
_ALLOWED_FAILURES = 1


def _distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise UsageError(MISSING_DASK) from None
    return distributed


def dashboard_link(client: Any) -> str | None:
    """The Dask dashboard's address, if the scheduler serves one.

    The scheduler lists a dashboard even without bokeh (its page then only says to
    install bokeh), so the scheduler is asked whether it can show one, and the page is fetched.
    """
    def serves_dashboard() -> bool:
        # Runs on the scheduler, which need not have htq-mark: a nested function travels by value.
        try:
            import distributed.dashboard.scheduler  # noqa: F401 - importable only with bokeh
        except ImportError:
            return False
        return True

    try:
        if "dashboard" not in client.scheduler_info().get("services", {}):
            return None
        if client.run_on_scheduler(serves_dashboard) is not True:
            return None
        link = str(client.dashboard_link)
        if not link.startswith(("http://", "https://")):
            return None
        import urllib.request  # only when a cluster is used: every scan loads this module

        with urllib.request.urlopen(link, timeout=_DASHBOARD_PROBE_S) as page:  # noqa: S310 - http(s) only
            return link if page.status == 200 else None
    except Exception:  # noqa: BLE001 - no dashboard is no reason to stop a scan
        return None


def _check_address(address: str) -> None:
    """Raise UsageError unless ``address`` is a scheduler address Dask can connect to."""
    from distributed.comm.addressing import parse_address, resolve_address
    from distributed.comm.registry import get_backend

    try:
        scheme, _ = parse_address(address)
        get_backend(scheme)
        resolve_address(address)
    except (ValueError, OSError) as exc:
        raise UsageError(f"{address!r} is not a Dask scheduler address ({exc}); give one like "
                         "tcp://HOST:8786.") from None


def _check_scheduler(address: str) -> None:
    """Raise UsageError unless a Dask scheduler answers at ``address`` within the connection timeout.

    Asked first, before a client is made: a client made for another kind of service there (a web server,
    the dashboard's port) read its answer as Dask's and failed with an internal error, or waited for ever.
    """
    import asyncio

    from distributed.comm.core import connect
    from distributed.security import Security

    async def identity() -> object:
        # With the TLS settings of Dask's configuration, as the client made next uses.
        arguments = Security().get_connection_args("client")  # type: ignore[no-untyped-call]
        comm = await connect(address, timeout=_CONNECT_TIMEOUT_S, **arguments)  # type: ignore[no-untyped-call]
        try:
            await comm.write({"op": "identity", "reply": True})
            return await comm.read()
        finally:
            comm.abort()

    outcome: list[object] = []

    def ask() -> None:
        try:  # a little longer than the connection's own timeout, whose error says more
            outcome.append(asyncio.run(asyncio.wait_for(identity(), _CONNECT_TIMEOUT_S + 5)))
        except Exception as exc:  # noqa: BLE001 - judged below, in the caller's thread
            outcome.append(exc)

    # In a thread of its own: asyncio.run cannot run inside a running event loop (a notebook's, an async caller's)
    # and would unset one the caller had set. A daemon, so that Ctrl-C does not wait for it to time out.
    probe = threading.Thread(target=ask, name="htq-mark-dask-probe", daemon=True)
    probe.start()
    probe.join()
    answer = outcome[0] if outcome else None
    if isinstance(answer, (TimeoutError, asyncio.TimeoutError)):
        answer = f"nothing came back in {_CONNECT_TIMEOUT_S + 5} s"
    elif isinstance(answer, OSError):
        answer = str(answer) or type(answer).__name__
    elif isinstance(answer, Exception):  # what another kind of service's answer makes of Dask's reader
        answer = f"what came back could not be read as Dask's ({type(answer).__name__})"
    if isinstance(answer, dict) and answer.get("type") == "Scheduler":
        return
    if isinstance(answer, dict) and answer.get("type"):
        detail = f"a Dask {str(answer['type']).lower()} answered, not the scheduler"
    else:
        detail = answer if isinstance(answer, str) else "what came back was not a scheduler's answer"
    raise UsageError(f"no Dask scheduler answered at {address} ({detail}); check the address (the scheduler's "
                     "own port, 8786 unless it was started with another, not its dashboard's or a worker's) and "
                     "that the scheduler is running.")


@contextlib.contextmanager
def _dask_client(address: str | None, workers: int | None, quiet: bool) -> Iterator[Any]:
    distributed = _distributed()
    import dask

    if quiet:  # the scan reports lost workers itself; Dask's own log lines would only repeat it
        for name in [*logging.root.manager.loggerDict, "distributed"]:
            if name.split(".")[0] == "distributed":
                logging.getLogger(name).setLevel(logging.CRITICAL + 1)
    if address:
        _check_address(address)
        _check_scheduler(address)
        try:
            client = distributed.Client(address, timeout=_CONNECT_TIMEOUT_S, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise UsageError(f"cannot reach the Dask scheduler at {address} ({exc}); check the address "
                             "and that the scheduler is running.") from None
        with client:
            yield client
        return
    with dask.config.set({"distributed.scheduler.allowed-failures": _ALLOWED_FAILURES}):
        cluster = distributed.LocalCluster(n_workers=checked_jobs(workers), threads_per_worker=1,
                                           processes=True, host="127.0.0.1", dashboard_address="127.0.0.1:0",
                                           silence_logs=logging.CRITICAL if quiet else logging.WARNING)
    with cluster, distributed.Client(cluster, set_as_default=False) as client:
        yield client


@contextlib.contextmanager
def open_executor(name: str | None = None, *, scheduler: str | None = None, jobs: int | None = None,
                  quiet: bool = False) -> Iterator[tuple[Executor, str | None]]:
    """The executor called ``name`` and its dashboard's address (if any), closed on leaving.

    ``local`` runs ``jobs`` worker processes here. ``dask`` connects to the
    scheduler at ``scheduler`` (default ``$DASK_SCHEDULER_ADDRESS``), or starts a
    cluster of ``jobs`` single-threaded worker processes on this machine when
    there is no address. With no ``name``, ``dask`` if there is an address, else
    ``local``. ``quiet`` silences Dask's own log.
    """
    address = scheduler or (os.environ.get(SCHEDULER_ENV) if name != "local" else None) or None
    if name is None:
        name = "dask" if address else "local"
    if name not in EXECUTORS:
        raise UsageError(f"unknown executor {name!r}; choose one of {', '.join(EXECUTORS)}.")
    if name == "local":
        if scheduler:
            raise UsageError("a scheduler address needs the dask executor; leave out executor=\"local\".")
        yield LocalExecutor(jobs), None
        return
    if address and jobs is not None:
        raise UsageError("jobs sets the workers of a cluster started here; a scheduler's cluster has its own.")
    with _dask_client(address, jobs, quiet) as client:
        yield DaskExecutor(client), dashboard_link(client)
