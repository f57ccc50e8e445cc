;; Chez Scheme 9.5 (threaded build) shim for bench/threads/: the SRFI-18 procedures that
;; gcbench-threads.scm uses, in terms of fork-thread, mutexes and conditions. Chez 9.5 has no
;; thread-join, so a thread is a vector [thunk done? result mutex condition]: the forked
;; thread stores the thunk's value and broadcasts; thread-join! waits for done?.
(define (make-thread thunk . name) (vector thunk #f #f (make-mutex) (make-condition)))
(define (thread-start! t)
  (fork-thread
   (lambda ()
     (let ((result ((vector-ref t 0))))
       (with-mutex (vector-ref t 3)
         (vector-set! t 2 result)
         (vector-set! t 1 #t)
         (condition-broadcast (vector-ref t 4))))))
  t)
(define (thread-join! t)
  (with-mutex (vector-ref t 3)
    (let wait ()
      (unless (vector-ref t 1)
        (condition-wait (vector-ref t 4) (vector-ref t 3))
        (wait)))
    (vector-ref t 2)))
