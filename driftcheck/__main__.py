from driftcheck.cli import console

console()
