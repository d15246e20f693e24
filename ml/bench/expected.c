#include "expected.h"

#include <string.h>

static size_t skip_spaces(const char *t, size_t i, size_t end)
{
    while (i < end && (t[i] == ' ' || t[i] == '\t'))
        i++;
    return i;
}

/* Field [i, end) trimmed equals word? */
static int field_is(const char *t, size_t i, size_t end, const char *word)
{
    while (end > i && (t[end - 1] == ' ' || t[end - 1] == '\t'))
        end--;
    i = skip_spaces(t, i, end);
    size_t n = strlen(word);
    return end - i == n && memcmp(t + i, word, n) == 0;
}

static int parse_values(const char *t, size_t i, size_t end, int8_t *out, size_t cap,
                        size_t *n)
{
    size_t count = 0;
    for (;;) {
        i = skip_spaces(t, i, end);
        if (i >= end)
            break;
        int neg = 0;
        if (t[i] == '-') {
            neg = 1;
            i++;
        }
        if (i >= end || t[i] < '0' || t[i] > '9')
            return -1;
        int v = 0;
        while (i < end && t[i] >= '0' && t[i] <= '9') {
            v = v * 10 + (t[i] - '0');
            if (v > 128)
                return -1;
            i++;
        }
        v = neg ? -v : v;
        if (v > 127 || count == cap)
            return -1;
        out[count++] = (int8_t)v;
    }
    *n = count;
    return count ? 0 : -1;
}

int expected_lookup(const char *text, size_t text_len, const char *model, const char *input,
                    int8_t *out, size_t cap, size_t *n)
{
    size_t line = 0;
    while (line < text_len) {
        size_t end = line;
        while (end < text_len && text[end] != '\n')
            end++;
        size_t bar[3];
        size_t nbar = 0;
        for (size_t i = line; i < end && nbar < 3; i++)
            if (text[i] == '|')
                bar[nbar++] = i;
        if (text[line] != '#' && nbar == 3 && field_is(text, line, bar[0], model) &&
            field_is(text, bar[0] + 1, bar[1], input))
            return parse_values(text, bar[2] + 1, end, out, cap, n);
        line = end + 1;
    }
    return -1;
}
