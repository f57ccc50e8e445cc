;; Guile 3.0 shim for bench/threads/: the SRFI-18 procedures that gcbench-threads.scm uses, in
;; terms of (ice-9 threads). A thread is a vector [thunk host-thread]; thread-start! runs the
;; thunk with call-with-new-thread, thread-join! returns join-thread's value (the thunk's).
(use-modules ((ice-9 threads) #:select (call-with-new-thread join-thread)))
(define (make-thread thunk . name) (vector thunk #f))
(define (thread-start! t)
  (vector-set! t 1 (call-with-new-thread (vector-ref t 0)))
  t)
(define (thread-join! t) (join-thread (vector-ref t 1)))
