; stress: stress=20,verify=1
; 1,000 short threads, started and joined 10 at a time, then 100 at a time.
(define (batch from n)
  (let loop ((i 0) (threads '()))
    (if (= i n)
        (apply + (map thread-join! threads))
        (loop (+ i 1)
              (cons (thread-start! (make-thread (let ((k (+ from i))) (lambda () (* k k)))))
                    threads)))))
(define (run total per)
  (let loop ((from 0) (sum 0))
    (if (= from total) sum (loop (+ from per) (+ sum (batch from per))))))
(display (run 1000 10)) (newline)
(display (run 1000 100)) (newline)
