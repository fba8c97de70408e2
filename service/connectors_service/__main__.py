"""Entry point of `python -m connectors_service`."""

from connectors_service.admin import main

raise SystemExit(main())
