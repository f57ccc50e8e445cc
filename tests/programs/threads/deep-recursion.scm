; tsan: skip (a stack trace deeper than 65,536 frames stops ThreadSanitizer: sanitizer_stackdepot.cpp CHECK)
; Non-tail recursion 50,000 deep on a thread's own stack (64 MiB, reserved): deeper than a
; default 8 MiB POSIX thread stack would hold in the interpreter.
(define (spawn thunk) (thread-start! (make-thread thunk)))
(define (count n) (if (= n 0) 0 (+ 1 (count (- n 1)))))
(display (thread-join! (spawn (lambda () (count 50000))))) (newline)
