# Sourced by the console test drivers (uboot-test.sh, linux-shell-test.sh):
#   expect WHAT PATTERN
# says "ok WHAT" if a line of $log matches the extended regex PATTERN, else
# says what is missing and sets fail=1.
expect() {
	if grep -Eq -- "$2" "$log"; then
		echo "  ok   $1"
	else
		echo "  FAIL $1: no line matching '$2' in $log" >&2
		fail=1
	fi
}
