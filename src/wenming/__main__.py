from wenming.manage import main

main()
