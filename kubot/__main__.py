from kubot.cli import main

raise SystemExit(main())
