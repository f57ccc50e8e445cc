; Memoisation through an ephemeron eq table: 10^7 fresh keys pass through the cache, each
; looked up twice (a miss, then a hit), and each cached value refers to its own key. Nothing
; else holds a key once its iteration ends, so the collector clears its entry and the table
; drops it: memory stays bounded however many keys pass (docs/toylang.md, "Hash tables, weak
; pairs, ephemerons and guardians"). Prints (sum hits) and whether the cache is small after a
; final collection. The measurement (docs/toylang.md's figures come from it):
;
;   /usr/bin/time -v build/examples/toylang/toylang examples/toylang/memo.scm
;   sed 's/^(define n .*/(define n 1000000)/' examples/toylang/memo.scm > /tmp/memo6.scm
;   /usr/bin/time -v build/examples/toylang/toylang /tmp/memo6.scm
;
; and compare "Maximum resident set size": 10x the keys must not mean 10x the memory. Measured
; (RelWithDebInfo, JIT, precise roots, 2 shared cores; --jit-cache=off --gc-stats added):
;   10^6 keys: 71,512 KB peak RSS, 11.9 MiB peak committed, 18 collections, 2.0 s
;   10^7 keys: 72,012 KB peak RSS, 11.9 MiB peak committed, 171 collections, 27 s
;   toylang -e '(+ 1 2)': 44,432 KB (the JIT's own baseline)
; Most of the time is collection: each pause handles the ~80,000 ephemerons made since the
; last one (about 50 ms a pause here).
(define n 10000000)
(define cache (make-ephemeron-eq-hashtable))
(define (expensive key)
  (let loop ((l key) (sum 0)) (if (null? l) sum (loop (cdr l) (+ sum (car l))))))
(define (memo key)
  (let ((hit (hashtable-ref cache key #f)))
    (if hit
        (cdr hit)
        (let ((v (expensive key)))
          (hashtable-set! cache key (cons key v))
          v))))
(define (run n)
  (let loop ((i 0) (sum 0) (hits 0))
    (if (= i n)
        (list sum hits)
        (let* ((key (list (modulo i 100) 1 2))
               (a (memo key))
               (b (memo key)))
          (loop (+ i 1) (+ sum a) (if (and (= a b) (hashtable-contains? cache key)) (+ hits 1) hits))))))
(write (run n)) (newline)
(collect)
(write (<= (hashtable-size cache) (quotient n 100))) (newline)
