//! A parallel map over a slice, on scoped threads: the generator's per-file stages (parsing
//! specs, emitting and formatting modules) are independent, and formatting dominates a large
//! run.
//!
//! Token streams are not `Send` (`proc_macro2` outside a proc macro uses `Rc`), so each item is
//! carried through every stage that needs tokens on one thread, and only plain data (the IR,
//! strings) crosses threads. Results keep the input's order, so output does not depend on timing.

use std::sync::atomic::{AtomicUsize, Ordering};

/// `items.iter().map(f).collect()`, on up to `std::thread::available_parallelism()` threads.
/// Threads take the next item as they finish one, so uneven items balance out.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let mut results: Vec<(usize, R)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(index) else {
                            break done;
                        };
                        done.push((index, f(item)));
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            // A worker only panics if `f` does; carry the panic to the caller, as a plain
            // `map` would.
            .flat_map(|worker| {
                worker
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    results.sort_unstable_by_key(|(index, _)| *index);
    results.into_iter().map(|(_, result)| result).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_the_input_order() {
        let items: Vec<u32> = (0..1000).collect();
        let doubled = super::map(&items, |i| i * 2);
        assert_eq!(doubled, items.iter().map(|i| i * 2).collect::<Vec<_>>());
    }

    #[test]
    fn handles_empty_and_single_inputs() {
        assert!(super::map(&[] as &[u8], |i| *i).is_empty());
        assert_eq!(super::map(&[7], |i| i + 1), vec![8]);
    }
}
