; stress: stress=50,verify=1
; tsan: skip (a re-entry copies native stack back behind ThreadSanitizer's shadow call stack)
; Continuations in threads: each thread's thunk is an evaluation base of its own; generators
; re-entered thousands of times in two threads at once, and an escape out of a thread's loop.
(define (make-generator lst)
  (define return #f)
  (define resume #f)
  (lambda ()
    (call/cc
     (lambda (r)
       (set! return r)
       (if resume
           (resume #f)
           (begin
             (for-each (lambda (x) (call/cc (lambda (k) (set! resume k) (return x)))) lst)
             (set! resume (lambda (ignored) (return 'end)))
             (return 'end)))))))
(define (iota-list n) (let loop ((i n) (acc '())) (if (= i 0) acc (loop (- i 1) (cons i acc)))))
(define (sum-generator n)
  (let ((g (make-generator (iota-list n))))
    (let loop ((sum 0))
      (let ((v (g)))
        (if (eq? v 'end) sum (loop (+ sum v)))))))
(define t1 (make-thread (lambda () (sum-generator 2000))))
(define t2 (make-thread (lambda () (sum-generator 3000))))
(thread-start! t1)
(thread-start! t2)
(display (list (thread-join! t1) (thread-join! t2)))
(newline)
(define t3
  (make-thread
   (lambda ()
     (call/cc (lambda (out) (for-each (lambda (x) (if (> x 10) (out (list 'stopped-at x)))) (iota-list 100)) 'never)))))
(thread-start! t3)
(display (thread-join! t3))
(newline)
