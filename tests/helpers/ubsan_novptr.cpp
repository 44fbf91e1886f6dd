// Preloaded (LD_PRELOAD) into tst_emfile and the pipescope it starts, in the ASan+UBSan build
// only: turns off UBSan's vptr check, and nothing else, for processes that run at fd
// exhaustion. That check tests whether a vtable is readable by writing it into a pipe() of its
// own; at EMFILE the pipe() fails and the check reports "invalid vptr" and aborts on a valid
// object. A UBSAN_OPTIONS suppression cannot do it: UBSan reads its suppression file only at
// its first report, which is then at EMFILE too. These are the two entry points GCC emits for
// the check (with and without -fsanitize-recover); defined here, they win over libubsan's.

extern "C" {

void __ubsan_handle_dynamic_type_cache_miss(void *, void *, void *) { }

void __ubsan_handle_dynamic_type_cache_miss_abort(void *, void *, void *) { }

} // extern "C"
