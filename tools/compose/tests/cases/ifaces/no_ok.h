enum nook_label { NOOK_GET = 1 };
enum nook_error { NOOK_FAILED = 1 };
