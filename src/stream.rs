//! Parallel work handed back in order: drafts are checked on a thread pool and their
//! outcomes emitted in path order as soon as each and every one before it is done, with a
//! bounded number in flight, so that output streams and memory stays flat however many
//! files a run has.

use std::collections::BTreeMap;
use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc;

/// A thread pool with `threads` threads (default: one per CPU).
pub fn pool(threads: Option<usize>) -> rayon::ThreadPool {
    let mut b = rayon::ThreadPoolBuilder::new();
    if let Some(n) = threads {
        b = b.num_threads(n);
    }
    b.build().unwrap_or_else(|_| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .expect("a one-thread pool")
    })
}

/// Run `work` on every item on `pool` and hand the results to `sink` in item order, on the
/// calling thread. At most `window` items are started ahead of the first result not yet
/// handed out. A panic in `work` is re-raised here once the items in flight are done.
pub fn in_order<T, R, W, S>(
    pool: &rayon::ThreadPool,
    items: &[T],
    window: usize,
    work: W,
    mut sink: S,
) where
    T: Sync,
    R: Send,
    W: Fn(&T) -> R + Sync,
    S: FnMut(R),
{
    let window = window.max(1);
    let (tx, rx) = mpsc::channel::<(usize, std::thread::Result<R>)>();
    let work = &work;
    pool.in_place_scope(|scope| {
        let (mut started, mut received, mut next_out) = (0, 0, 0);
        let mut ready: BTreeMap<usize, R> = BTreeMap::new();
        let mut failed = None;
        loop {
            while failed.is_none() && started < items.len() && started < next_out + window {
                let tx = tx.clone();
                let i = started;
                scope.spawn(move |_| {
                    let r = panic::catch_unwind(AssertUnwindSafe(|| work(&items[i])));
                    let _ = tx.send((i, r));
                });
                started += 1;
            }
            if received == started {
                break; // all handed out, or a panic stopped new work and the rest came back
            }
            let (i, r) = rx.recv().expect("every started item sends its result");
            received += 1;
            match r {
                Ok(r) => {
                    ready.insert(i, r);
                }
                Err(p) => {
                    failed.get_or_insert(p);
                }
            }
            if failed.is_none() {
                while let Some(r) = ready.remove(&next_out) {
                    sink(r);
                    next_out += 1;
                }
            }
        }
        if let Some(p) = failed {
            panic::resume_unwind(p);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_order_with_a_bounded_window() {
        let pool = pool(Some(3));
        let items: Vec<u64> = (0..200).collect();
        let in_flight = std::sync::atomic::AtomicUsize::new(0);
        let max_seen = std::sync::atomic::AtomicUsize::new(0);
        let mut out = Vec::new();
        in_order(
            &pool,
            &items,
            5,
            |&i| {
                use std::sync::atomic::Ordering::SeqCst;
                let n = in_flight.fetch_add(1, SeqCst) + 1;
                max_seen.fetch_max(n, SeqCst);
                // Later items finish first now and then.
                std::thread::sleep(std::time::Duration::from_micros((200 - i) % 7 * 50));
                in_flight.fetch_sub(1, SeqCst);
                i * 2
            },
            |r| out.push(r),
        );
        assert_eq!(out, (0..200).map(|i| i * 2).collect::<Vec<_>>());
        assert!(max_seen.into_inner() <= 5);
    }

    #[test]
    fn a_panic_in_the_work_reaches_the_caller() {
        let pool = pool(Some(2));
        let items: Vec<u32> = (0..50).collect();
        let r = panic::catch_unwind(AssertUnwindSafe(|| {
            in_order(
                &pool,
                &items,
                4,
                |&i| if i == 17 { panic!("boom") } else { i },
                |_| {},
            )
        }));
        assert!(r.is_err());
    }

    #[test]
    fn no_items_no_calls() {
        let pool = pool(Some(1));
        let items: Vec<u8> = Vec::new();
        in_order(&pool, &items, 4, |_| unreachable!(), |_: ()| unreachable!());
    }
}
