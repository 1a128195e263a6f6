from driftcheck.cli import main

raise SystemExit(main())
