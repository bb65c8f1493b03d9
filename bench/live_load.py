"""Live-session load on loopback: N patients streaming landmarks to one real server.

Starts the ASGI server (uvicorn, as `make run` does) on 127.0.0.1 with a throwaway database,
signs in N demo patients, and has each stream recorded real landmark frames at 15 per second
for a bounded time. Reports the round trip (send → state reply) p50/p99 and errors for each N,
and the server's own work per frame measured in-process, beside the browser's pose inference
time from ../shared/design/pose-runtime.md. Only 127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FRAMES = ROOT / "tests/fixtures/frames/cornell_kneeling_hip_flexor.jsonl"
FPS = 15.0
# ../shared/design/pose-runtime.md: tasks-vision in headless Chromium, CPU, lite / full model.
BROWSER_POSE_MS = {"lite": 1000 / 21.5, "full": 1000 / 14.6}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def setup_django(var: Path) -> None:
    os.environ["HIPCOACH_VAR"] = str(var)
    os.environ["DJANGO_SETTINGS_MODULE"] = "hipcoach.settings"
    import django

    django.setup()


def make_patients(count: int) -> list[tuple[int, str]]:
    """(session id, session cookie) for each simulated patient."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from hipcoach.accounts.models import Role, User
    from hipcoach.practice.actions import do_create_program, do_start_session

    out = []
    for n in range(count):
        user, created = User.objects.get_or_create(
            username=f"load{n}", defaults={"role": Role.PATIENT}
        )
        if created:
            user.set_unusable_password()
            user.save()
            do_create_program(user, hold_s=60, sets_per_side=4)
        program = user.programs.first()
        assert program is not None
        session = do_start_session(user, program, language="en")
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.save()
        out.append((session.pk, str(store.session_key)))
    return out


def recorded_messages() -> list[dict[str, Any]]:
    with FRAMES.open(encoding="utf-8") as handle:
        lines = handle.read().splitlines()[1:]
    return [json.loads(line) for line in lines]


async def patient(
    port: int, session_id: int, cookie: str, frames: list[dict[str, Any]], seconds: float
) -> tuple[list[float], int]:
    import websockets

    rtts: list[float] = []
    errors = 0
    url = f"ws://127.0.0.1:{port}/ws/sessions/{session_id}/"
    headers = {"Cookie": f"sessionid={cookie}"}
    try:
        async with websockets.connect(
            url, additional_headers=headers, origin=f"http://127.0.0.1:{port}", max_size=2**20
        ) as ws:
            hello = json.loads(await ws.recv())
            if hello.get("type") != "hello":
                return rtts, 1
            start = time.perf_counter()
            n = 0
            while time.perf_counter() - start < seconds:
                frame = (
                    dict(frames[n % len(frames)])
                    if frames[n % len(frames)].get("landmarks")
                    else None
                )
                t = 1.0 + n * 1000.0 / FPS
                message = (
                    {"type": "frame", "frame": {**frame, "timestamp_ms": t}}
                    if frame
                    else {"type": "frame", "frame": None, "timestamp_ms": t}
                )
                sent = time.perf_counter()
                await ws.send(json.dumps(message))
                while True:
                    reply = json.loads(await ws.recv())
                    if reply["type"] == "error":
                        errors += 1
                        break
                    if reply["type"] == "state":
                        rtts.append((time.perf_counter() - sent) * 1000.0)
                        break
                n += 1
                delay = start + n / FPS - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
    except Exception:
        errors += 1
    return rtts, errors


async def run_level(
    port: int, patients: list[tuple[int, str]], frames: list[dict[str, Any]], seconds: float
) -> tuple[list[float], int]:
    # Stagger the starts over one frame interval, as real people don't start in lockstep.
    async def staggered(k: int, sid: int, cookie: str) -> tuple[list[float], int]:
        await asyncio.sleep(k / len(patients) / FPS)
        return await patient(port, sid, cookie, frames, seconds)

    results = await asyncio.gather(*(staggered(k, s, c) for k, (s, c) in enumerate(patients)))
    rtts = [r for rs, _ in results for r in rs]
    return rtts, sum(e for _, e in results)


def server_work_per_frame(frames: list[dict[str, Any]]) -> float:
    """Median ms for LiveSession.handle on one frame, in-process: engine + JSON state."""
    from hipcoach.accounts.models import User
    from hipcoach.practice.actions import do_start_session
    from hipcoach.practice.live import LiveSession

    user = User.objects.get(username="load0")
    program = user.programs.first()
    assert program is not None
    live = LiveSession(do_start_session(user, program, language="en"))
    times = []
    for n, raw in enumerate(frames * 2):
        message = (
            {"type": "frame", "frame": {**raw, "timestamp_ms": 1.0 + n * 66.7}}
            if raw.get("landmarks")
            else {"type": "frame", "frame": None, "timestamp_ms": 1.0 + n * 66.7}
        )
        text = json.dumps(message)
        start = time.perf_counter()
        json.dumps(live.handle(json.loads(text)))
        times.append((time.perf_counter() - start) * 1000.0)
    return statistics.median(times)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its live children (workers), from /proc."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if stat.parent.name == str(pid) or fields[1] == str(pid):
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q / 100.0 * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--levels", default="1,10,50,100", help="concurrent sessions per run")
    parser.add_argument("--seconds", type=float, default=15.0, help="streaming time per level")
    parser.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("WEB_CONCURRENCY", "2")),
        help="server processes, as `make run` starts them",
    )
    args = parser.parse_args()
    levels = [int(x) for x in args.levels.split(",")]
    frames = recorded_messages()
    with tempfile.TemporaryDirectory(prefix="hipcoach-load-") as tmp:
        var = Path(tmp)
        env = {**os.environ, "HIPCOACH_VAR": str(var), "HIPCOACH_LOG_LEVEL": "WARNING"}
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        setup_django(var)
        patients = make_patients(max(levels))
        port = free_port()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "hipcoach.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--ws",
                "websockets-sansio",
                "--log-level",
                "warning",
                "--workers",
                str(args.workers),
            ],
            cwd=ROOT,
            env=env,
        )
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                    break
                except OSError:
                    time.sleep(0.2)
            print(
                f"live load: uvicorn ({args.workers} workers) on 127.0.0.1:{port}, "
                f"{FPS:g} frames/s per session, "
                f"{args.seconds:g} s per level, recorded real landmarks"
            )
            for n in levels:
                server_cpu = cpu_seconds(server.pid)
                client_cpu = time.process_time()
                wall = time.monotonic()
                rtts, errors = asyncio.run(run_level(port, patients[:n], frames, args.seconds))
                wall = time.monotonic() - wall
                server_pct = (cpu_seconds(server.pid) - server_cpu) / wall * 100
                client_pct = (time.process_time() - client_cpu) / wall * 100
                expected = int(n * FPS * args.seconds)
                if not rtts:
                    print(f"  {n:4d} sessions: no frames answered, errors {errors}")
                    continue
                print(
                    f"  {n:4d} sessions: {len(rtts):6d}/{expected} frames answered, round trip "
                    f"p50 {percentile(rtts, 50):6.1f} ms, p99 {percentile(rtts, 99):6.1f} ms, "
                    f"errors {errors}; CPU: server {server_pct:3.0f} %, load generator "
                    f"{client_pct:3.0f} % of a core"
                    + ("  (target at 100: p99 < 50 ms, no errors)" if n == 100 else "")
                )
        finally:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
        work = server_work_per_frame(frames)
        print(
            f"  server work per frame (in-process, engine + state JSON): median {work:.2f} ms; "
            f"browser pose inference: lite {BROWSER_POSE_MS['lite']:.0f} ms, full "
            f"{BROWSER_POSE_MS['full']:.0f} ms (pose-runtime.md) -> server share "
            f"{work / BROWSER_POSE_MS['lite'] * 100:.1f} % of the lite model's time"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
