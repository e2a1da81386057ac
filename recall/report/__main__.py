from recall.report.build import main

raise SystemExit(main())
