// Sanitizer defaults for the libFuzzer executables (linked into them only).
//
// UndefinedBehaviorSanitizer reports and carries on unless told to halt, and
// libFuzzer only sees a process that dies: without this, undefined behaviour
// would scroll past in the log of a run that passes. An environment variable
// (UBSAN_OPTIONS=...) still overrides these, as OSS-Fuzz does.
extern "C" const char* __ubsan_default_options() {
  return "halt_on_error=1:print_stacktrace=1:print_summary=1";
}
