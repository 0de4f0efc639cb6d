from gateway.config import get_settings
from gateway.database import MIGRATIONS
from guanjia_shared.cli import service_cli

cli = service_cli(
    app_factory="gateway.main:create_app", settings_factory=get_settings, migrations=MIGRATIONS
)


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
