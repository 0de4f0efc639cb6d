from guanjia_shared.cli import service_cli
from notify_svc.config import get_settings
from notify_svc.database import MIGRATIONS

cli = service_cli(
    app_factory="notify_svc.main:create_app",
    settings_factory=get_settings,
    migrations=MIGRATIONS,
)


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
