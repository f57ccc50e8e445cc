; tsan: skip (a stack trace deeper than 65,536 frames stops ThreadSanitizer: sanitizer_stackdepot.cpp CHECK)
; expected: by-hand
; exit: 1
; Runaway recursion in a thread ends that thread with "stack overflow"; joining re-raises it.
(define (runaway n) (+ 1 (runaway (+ n 1))))
(define t (thread-start! (make-thread (lambda () (runaway 0)))))
(display "joining") (newline)
(thread-join! t)
