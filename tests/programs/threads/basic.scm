; Threads: start, join (the thunk's value), closures, current-thread, yield and sleep, nested
; threads, values built in a thread surviving collections. (Deep recursion on a thread's own
; stack: deep-recursion.scm.)
(define t (make-thread (lambda () (* 6 7))))
(display (list (thread? t) (thread? 5) (thread? (current-thread)))) (newline)
(display (eq? (thread-start! t) t)) (newline)
(display (thread-join! t)) (newline)

(define (spawn thunk) (thread-start! (make-thread thunk)))
(define (sum-to n) (let loop ((k 0) (acc 0)) (if (> k n) acc (loop (+ k 1) (+ acc k)))))
(define sums (map (lambda (n) (spawn (lambda () (sum-to n)))) '(10 100 1000 10000)))
(display (map thread-join! sums)) (newline)

(define t2 (make-thread (lambda () (current-thread))))
(thread-start! t2)
(display (eq? (thread-join! t2) t2)) (newline)
(display (eq? (current-thread) (current-thread))) (newline)
(display (eq? (current-thread) t2)) (newline)

(define t3 (spawn (lambda () (let loop ((i 0) (acc '())) (if (= i 1000) acc (loop (+ i 1) (cons (list i) acc)))))))
(collect)
(define l (thread-join! t3))
(collect)
(display (list (length l) (car l) (car (list-ref l 999)))) (newline)

(define t4 (spawn (lambda () (thread-yield!) (thread-sleep! 0.01) (thread-sleep! 0) 'slept)))
(display (thread-join! t4)) (newline)

; A thread that starts and joins threads of its own.
(define (fib n) (if (< n 2) n (+ (fib (- n 1)) (fib (- n 2)))))
(define (pfib n depth)
  (if (= depth 0)
      (fib n)
      (let* ((a (spawn (lambda () (pfib (- n 1) (- depth 1)))))
             (b (pfib (- n 2) (- depth 1))))
        (+ (thread-join! a) b))))
(display (thread-join! (spawn (lambda () (pfib 20 3))))) (newline)

(display (list (mutex? (make-mutex)) (mutex? (make-mutex 'named)) (mutex? t)
               (condition-variable? (make-condition-variable))
               (condition-variable? (make-mutex))))
(newline)
