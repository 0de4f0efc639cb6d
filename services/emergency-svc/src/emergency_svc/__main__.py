from emergency_svc.config import get_settings
from emergency_svc.database import MIGRATIONS
from guanjia_shared.cli import service_cli

cli = service_cli(
    app_factory="emergency_svc.main:create_app",
    settings_factory=get_settings,
    migrations=MIGRATIONS,
)


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
