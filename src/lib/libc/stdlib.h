/* The one <stdlib.h> function libfdt needs; defined in src/lib/string.c. */
#ifndef LIBC_STDLIB_H
#define LIBC_STDLIB_H

unsigned long strtoul(const char *s, char **end, int base);

#endif
