"""Command line: ``spoke [--profile DIR]`` opens the app; ``spoke demo`` opens a fictional demo.

Imports are kept to what the unlock window needs, so the window appears fast; the rest of
the app is imported after unlocking.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="spoke", description="Spoke: casebook and lone-working safety for outreach workers."
    )
    parser.add_argument("--profile", help="profile folder (default: your user data folder)")
    parser.add_argument(
        "--idle-minutes", type=int, default=None, help="lock after this many idle minutes"
    )
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="open your casebook (the default)")
    demo = sub.add_parser("demo", help="open a casebook of obviously fictional sample data")
    demo.add_argument("--profile", dest="demo_profile", help="demo profile folder")
    demo.add_argument(
        "--seed-only", action="store_true", help="write the demo casebook and exit without a window"
    )
    demo.add_argument(
        "--no-hub", action="store_true", help="do not start the demo's own hub on loopback"
    )
    # For the installer test: unlock the demo through the real window, report, quit.
    demo.add_argument("--check-unlock", action="store_true", help=argparse.SUPPRESS)
    # For the launch benchmark: quit as soon as the first window is on screen.
    parser.add_argument("--exit-when-shown", action="store_true", help=argparse.SUPPRESS)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from spokeapp import paths
    from spokeapp.diagnostics import configure_logging, forbid_core_dumps

    # Before any casebook is unlocked: a crash must never write decrypted records to disk.
    forbid_core_dumps()

    if args.command == "demo":
        from spokeapp.demo import DEMO_PASSPHRASE, DemoProfileError, prepare_demo_profile

        profile = paths.demo_profile_dir(args.demo_profile or args.profile)
        configure_logging(None)
        try:
            result = prepare_demo_profile(profile, with_hub=not args.no_hub)
        except DemoProfileError as exc:
            print(f"spoke demo: {exc}", file=sys.stderr)
            return 2
        configure_logging(paths.logs_dir(profile))
        print(f"Demo casebook ready in {profile}")
        print(result.summary)
        if result.hub is not None and args.seed_only:
            # The hub stops as this command ends: never say it is running.
            print(f"Demo hub set up (embedded, encrypted database in {profile / 'hub'}); "
                  f"{result.synced} records synced to it. It has stopped again: `spoke demo` "
                  "runs it while the app is open.")
        elif result.hub is not None:
            print(f"Demo hub running at {result.hub.url} (embedded, encrypted database in "
                  f"{profile / 'hub'}); {result.synced} records synced to it.")
        print(f"Demo passphrase: {DEMO_PASSPHRASE}")
        try:
            if args.seed_only:
                return 0
            if args.check_unlock:
                from spokeapp.ui.smoke import check_unlock

                return int(check_unlock(profile, DEMO_PASSPHRASE))
            from spokeapp.ui.application import run

            return int(
                run(profile, demo_passphrase=DEMO_PASSPHRASE, idle_minutes=args.idle_minutes)
            )
        finally:
            if result.hub is not None:
                result.hub.stop()

    profile = paths.profile_dir(args.profile)
    if args.exit_when_shown:
        from spokeapp.ui.smoke import exit_when_shown

        return int(exit_when_shown(profile))
    configure_logging(paths.logs_dir(profile))
    from spokeapp.ui.application import run

    return int(run(profile, idle_minutes=args.idle_minutes))


if __name__ == "__main__":
    raise SystemExit(main())
