//! Binary entry point of the embedded backend; everything lives in the library.

/// jemalloc instead of glibc malloc: ingest allocates and frees many small decoded strings and
/// vectors per request, where glibc's bin consolidation cost about a third of the server's CPU.
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> std::process::ExitCode {
    obs_embedded::cli::main()
}
