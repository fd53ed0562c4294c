/*
 * A SIMD structural index of JSON (the first stage of simdjson's design, written from its
 * paper: Langdale & Lemire, "Parsing Gigabytes of JSON per Second", 2019), measured alone on
 * the saved API answers, to judge what such an index could save the reader (README, issue 13).
 * Not part of the build:
 *
 *   gcc -O2 -mavx2 -mpclmul -o /tmp/structural_index Benchmarks/prototypes/structural_index.c
 *   /tmp/structural_index /tmp/answers/objects-*.json
 *
 * Per 64-byte block: masks of quotes, backslashes, whitespace and the structural characters;
 * the characters escaped by an odd run of backslashes; the inside of strings by a prefix XOR
 * (a carry-less multiply) of the unescaped quotes; then the offset of every structural
 * character outside strings and of every quote, written to an array. Prints MB/s and the
 * number of offsets, so the work cannot be optimised away.
 */
#include <immintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t mask_of(__m256i lo, __m256i hi, char c) {
    __m256i needle = _mm256_set1_epi8(c);
    uint32_t a = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(lo, needle));
    uint32_t b = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(hi, needle));
    return (uint64_t)a | ((uint64_t)b << 32);
}

static uint64_t prefix_xor(uint64_t bits) {
    __m128i all_ones = _mm_set1_epi8((char)0xFF);
    __m128i product = _mm_clmulepi64_si128(_mm_set_epi64x(0, (long long)bits), all_ones, 0);
    return (uint64_t)_mm_cvtsi128_si64(product);
}

/* The characters escaped by a backslash, given the backslashes of the block and whether the
 * previous block ended in an odd run of them. */
static uint64_t escaped_of(uint64_t backslash, uint64_t *odd_carry) {
    const uint64_t even_bits = 0x5555555555555555ULL;
    backslash &= ~*odd_carry;  /* an escaped backslash starts no run */
    uint64_t follows_escape = (backslash << 1) | *odd_carry;
    uint64_t odd_starts = backslash & ~even_bits & ~follows_escape;
    uint64_t sum = odd_starts + backslash;  /* runs starting on odd bits carry to their end */
    *odd_carry = sum < backslash;
    uint64_t invert_mask = sum << 1;
    return (even_bits ^ invert_mask) & follows_escape;
}

static size_t index_block(const uint8_t *block, uint32_t base, uint32_t *out, uint64_t *odd_carry, uint64_t *in_string) {
    __m256i lo = _mm256_loadu_si256((const __m256i *)block);
    __m256i hi = _mm256_loadu_si256((const __m256i *)(block + 32));
    uint64_t backslash = mask_of(lo, hi, '\\');
    uint64_t escaped = escaped_of(backslash, odd_carry);
    uint64_t quotes = mask_of(lo, hi, '"') & ~escaped;
    uint64_t inside = prefix_xor(quotes) ^ *in_string;
    *in_string = (uint64_t)((int64_t)inside >> 63);
    uint64_t structural = mask_of(lo, hi, '{') | mask_of(lo, hi, '}') | mask_of(lo, hi, '[') | mask_of(lo, hi, ']')
                        | mask_of(lo, hi, ':') | mask_of(lo, hi, ',');
    uint64_t bits = (structural & ~inside) | quotes;
    size_t n = 0;
    while (bits) {
        out[n++] = base + (uint32_t)__builtin_ctzll(bits);
        bits &= bits - 1;
    }
    return n;
}

/* The same offsets by a byte-at-a-time state machine, to check the index against. */
static size_t index_scalar(const uint8_t *bytes, size_t size, uint32_t *out) {
    size_t n = 0;
    int in_string = 0;
    for (size_t i = 0; i < size; i++) {
        uint8_t c = bytes[i];
        if (in_string) {
            if (c == '\\') { i++; continue; }
            if (c == '"') { in_string = 0; out[n++] = (uint32_t)i; }
        } else if (c == '"') {
            in_string = 1;
            out[n++] = (uint32_t)i;
        } else if (c == '{' || c == '}' || c == '[' || c == ']' || c == ':' || c == ',') {
            out[n++] = (uint32_t)i;
        }
    }
    return n;
}

int main(int argc, char **argv) {
    size_t total = 0, offsets = 0;
    double seconds = 0;
    for (int f = 1; f < argc; f++) {
        FILE *file = fopen(argv[f], "rb");
        if (!file) { perror(argv[f]); return 1; }
        fseek(file, 0, SEEK_END);
        size_t size = (size_t)ftell(file);
        fseek(file, 0, SEEK_SET);
        size_t padded = (size + 63) / 64 * 64;
        uint8_t *bytes = calloc(padded, 1);
        uint32_t *out = malloc((padded + 64) * sizeof(uint32_t));
        if (fread(bytes, 1, size, file) != size) { perror(argv[f]); return 1; }
        fclose(file);
        uint32_t *check = malloc((padded + 64) * sizeof(uint32_t));
        size_t expected = index_scalar(bytes, size, check);
        for (int repeat = 0; repeat < 5; repeat++) {
            struct timespec t0, t1;
            clock_gettime(CLOCK_MONOTONIC, &t0);
            uint64_t odd_carry = 0, in_string = 0;
            size_t n = 0;
            for (size_t i = 0; i < padded; i += 64) n += index_block(bytes + i, (uint32_t)i, out + n, &odd_carry, &in_string);
            clock_gettime(CLOCK_MONOTONIC, &t1);
            seconds += (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
            total += size;
            offsets += n;
            if (n != expected || memcmp(out, check, n * sizeof(uint32_t)) != 0) {
                fprintf(stderr, "%s: the index differs from the scalar one (%zu against %zu offsets)\n", argv[f], n, expected);
                return 1;
            }
        }
        free(check);
        free(bytes);
        free(out);
    }
    printf("{\"bytes\": %zu, \"offsets\": %zu, \"seconds\": %.4f, \"mb_per_s\": %.1f}\n", total, offsets, seconds, total / seconds / 1e6);
    return 0;
}
