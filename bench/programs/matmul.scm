;; matmul: multiplication of 64 x 64 matrices of fixnums stored as vectors of row vectors (the
;; classic triple loop), bench-size times: each round multiplies A by B, reduces the product's
;; entries modulo 10,007 and makes it the next A; vector-ref on nested vectors, fixnum multiply
;; and add in do loops.
;; Checksum: a position-weighted hash of the final A.
(define n 64)
(define (make-matrix f)
  (let ((m (make-vector n #f)))
    (do ((i 0 (+ i 1))) ((= i n) m)
      (let ((row (make-vector n 0)))
        (do ((j 0 (+ j 1))) ((= j n))
          (vector-set! row j (f i j)))
        (vector-set! m i row)))))
(define (multiply a b)
  (make-matrix
   (lambda (i j)
     (let ((row (vector-ref a i)))
       (do ((k 0 (+ k 1))
            (sum 0 (+ sum (* (vector-ref row k) (vector-ref (vector-ref b k) j)))))
           ((= k n) (modulo sum 10007)))))))
(define (hash-matrix m)
  (let rows ((i 0) (h 0))
    (if (= i n)
        h
        (let cols ((j 0) (h h))
          (if (= j n)
              (rows (+ i 1) h)
              (cols (+ j 1)
                    (modulo (+ (* h 31) (* (+ 1 i j) (vector-ref (vector-ref m i) j)))
                            1000000007)))))))
(define b (make-matrix (lambda (i j) (modulo (+ (* i 7) (* j 13) (* i j)) 101))))
(define (run r a)
  (if (= r 0) a (run (- r 1) (multiply a b))))
(display (hash-matrix (run bench-size (make-matrix (lambda (i j) (if (= i j) 1 (modulo (- i j) 3)))))))
(newline)
