#include <stdint.h>
enum bad_label { BAD_GET = 1 };
enum bad_error { BAD_OK = 0 };
struct bad_get_request {
    char *name;
};
