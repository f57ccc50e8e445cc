;; primes: the primes up to 8,000 by a list-based sieve (build the interval, then repeatedly
;; filter out the multiples of its head), bench-size times; list allocation, remainder and
;; non-tail recursion. Checksum: the sum of the primes found plus their count, every time.
(define (interval lo hi) (if (> lo hi) '() (cons lo (interval (+ lo 1) hi))))
(define (remove-multiples p l)
  (cond ((null? l) '())
        ((= (remainder (car l) p) 0) (remove-multiples p (cdr l)))
        (else (cons (car l) (remove-multiples p (cdr l))))))
(define (sieve l)
  (if (null? l) '() (cons (car l) (sieve (remove-multiples (car l) (cdr l))))))
(define (sum l acc) (if (null? l) acc (sum (cdr l) (+ acc (car l)))))
(define (run i acc)
  (if (= i 0)
      acc
      (let ((ps (sieve (interval 2 8000))))
        (run (- i 1) (+ acc (sum ps 0) (length ps))))))
(display (run bench-size 0))
(newline)
