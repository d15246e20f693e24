enum kw_label {
    KW_GET = 1,
    KW_DEFAULT = 2,
};
enum kw_error { KW_OK = 0 };
