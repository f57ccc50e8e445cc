;; higher-order: map (over one and two lists), for-each, apply, and composed and curried
;; closures on lists of 200 fixnums: the built-in higher-order procedures calling closures.
;; Every round takes two lists and runs a pipeline of map, for-each with a closure that updates
;; a captured accumulator, apply of + and max to whole lists, closures made on the fly, a fold
;; written with a procedure argument, and vector->list/list->vector round trips. bench-size
;; rounds with data that depends on the round.
;; Checksum: a hash of every round's results.
(define (compose f g) (lambda (x) (f (g x))))
(define (curry2 f) (lambda (a) (lambda (b) (f a b))))
(define (fold-left f acc l) (if (null? l) acc (fold-left f (f acc (car l)) (cdr l))))
(define (keep-if pred l)
  (fold-left (lambda (acc x) (if (pred x) (cons x acc) acc)) '() (reverse l)))
(define (numbers n seed)
  (let loop ((i n) (x seed) (l '()))
    (if (= i 0)
        l
        (let ((next (modulo (+ (* x 1103515245) 12345) 2147483648)))
          (loop (- i 1) next (cons (modulo (quotient next 65536) 1000) l))))))
(define (round-value r)
  (let* ((a (numbers 200 r))
         (b (numbers 200 (+ r 1)))
         (add ((curry2 +) r))
         (scale (compose (lambda (x) (* x 3)) add))
         (sums (map + a b))
         (products (map (lambda (x y) (modulo (* x y) 1009)) a b))
         (scaled (map scale a))
         (odds (keep-if odd? sums))
         (total 0))
    (for-each (lambda (x y) (set! total (modulo (+ total (* x y)) 1000003))) scaled products)
    (let* ((v (list->vector (map (lambda (x) (- x 500)) b)))
           (back (vector->list v))
           (shifted (map (compose abs (lambda (x) (- x 7))) back)))
      (+ total
         (apply + sums)
         (apply max products)
         (length odds)
         (fold-left (lambda (acc x) (modulo (+ (* acc 7) x) 1000003)) 0 shifted)
         (apply + (map (lambda (f) (f 10)) (map curry2-add (list 1 2 3 r))))))))
(define (curry2-add k) ((curry2 +) k))
(define (run r h)
  (if (= r 0) h (run (- r 1) (modulo (+ (* h 31) (round-value r)) 1000000007))))
(display (run bench-size 0))
(newline)
