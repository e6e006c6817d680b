import sys

from rag_ui.app import main

sys.exit(main())
