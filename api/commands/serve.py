"""``agent-assist serve [--host] [--port] [--workers]``: run the HTTP service with uvicorn."""

from __future__ import annotations

import argparse
import os

from core.settings import get_settings


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="serve the HTTP API and the agent console",
        description=(
            "Serve the API and the console. Without AGENT_ASSIST_API_KEYS only a loopback "
            "address may be bound."
        ),
    )
    parser.add_argument("--host", help="bind address (default: AGENT_ASSIST_HOST or 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default: AGENT_ASSIST_PORT or 8000)")
    parser.add_argument(
        "--workers", type=int, help="worker processes (default: AGENT_ASSIST_WORKERS or 1)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from api.server import limit_malloc_arenas, run_server, server_config

    settings = get_settings()
    host: str = args.host or settings.host
    port: int = args.port or settings.port
    workers: int = args.workers or settings.workers
    settings.check_bind_safe(host)  # raises ConfigError (exit 2) before anything binds
    limit_malloc_arenas(settings.malloc_arena_max)
    if workers > 1:
        # Each worker process builds its own app from the environment.
        os.environ["AGENT_ASSIST_HOST"] = host
        config = server_config(
            "api.app:create_app", settings, host=host, port=port, workers=workers, factory=True
        )
    else:
        from api.app import create_app

        config = server_config(create_app(settings), settings, host=host, port=port)
    run_server(config)
    return 0
