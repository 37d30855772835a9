from kubot.launch import main

raise SystemExit(main())
