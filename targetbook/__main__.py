from targetbook.cli import main

main()
