/*
 * The secret of the isolation test (isolation.sh): two guests at once,
 * each with 32 MiB of RAM and its own disk. secret_keeper fills its RAM
 * and disk with words that carry SECRET_TAG in their high half;
 * secret_seeker looks for that tag everywhere it can reach, and attacks.
 */
#ifndef TESTS_GUESTS_SECRET_H
#define TESTS_GUESTS_SECRET_H

#include <stdint.h>

#include "encoding.h"

#define SECRET_TAG UL(0x5ec12e75)
#define SECRET_RAM_BASE UL(0x80000000)
#define SECRET_RAM_SIZE (UL(32) << 20) /* the harness gives hv.mem=32M */
#define SECRET_DISK_SECTORS 2048U      /* 1 MiB */

/* The secret word for address (or disk byte offset) a. */
static inline uint64_t secret_word(uint64_t a)
{
	return SECRET_TAG << 32 | (uint32_t)(a >> 3);
}

static inline unsigned is_secret(uint64_t w)
{
	return (w >> 32) == SECRET_TAG;
}

#endif
