; stress: stress=200,verify=1
; Parallel binary trees (GCBench-like): 4 threads build and check trees of several depths at
; once, beside a long-lived tree that every collection must keep.
(define (make-tree d)
  (if (= d 0) (cons '() '()) (cons (make-tree (- d 1)) (make-tree (- d 1)))))
(define (check t)
  (if (null? (car t)) 1 (+ 1 (check (car t)) (check (cdr t)))))
(define long-lived (make-tree 12))

(define (work min-depth max-depth)
  (lambda ()
    (let loop ((d min-depth) (acc '()))
      (if (> d max-depth)
          (reverse acc)
          (let ((iterations (expt 2 (- max-depth d))))
            (let inner ((i 0) (sum 0))
              (if (= i iterations)
                  (loop (+ d 2) (cons (list d iterations sum) acc))
                  (inner (+ i 1) (+ sum (check (make-tree d)))))))))))

(define workers (map (lambda (k) (thread-start! (make-thread (work 4 12)))) '(1 2 3 4)))
(for-each (lambda (t) (display (thread-join! t)) (newline)) workers)
(display (check long-lived)) (newline)
