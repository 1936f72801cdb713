"""Services: the one place each kind of change is made (validate, store, commit, then update
what the running bot holds). Discord-free; cogs, the console and the command line call them."""
