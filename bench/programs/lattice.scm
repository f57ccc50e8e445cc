;; lattice: enumerates the monotone maps from a small grid to a 4-element chain and counts the
;; comparable pairs of the pointwise order on them, in the style of Gabriel's lattice (written
;; from its description): nearly every call is of a procedure passed as an argument. A partial
;; order is a list of elements and an order procedure. The maps from a grid (the product order
;; on pairs, 3 x 2 or 3 x 3) to the chain (the built-in <= as its order) are enumerated by
;; backtracking, with the consistency test a closure applied to every earlier assignment; the
;; maps, ordered pointwise (a closure over the chain's order), form a new partial order, whose
;; comparable pairs are counted with a fold of folds. bench-size rounds.
;; Checksum: the number of maps plus the number of comparable pairs, summed over the rounds.
(define (make-poset elements leq) (cons elements leq))
(define (poset-elements p) (car p))
(define (poset-leq p) (cdr p))
(define (all? pred l) (or (null? l) (and (pred (car l)) (all? pred (cdr l)))))
(define (all2? pred a b)
  (or (null? a) (and (pred (car a) (car b)) (all2? pred (cdr a) (cdr b)))))
(define (fold f acc l) (if (null? l) acc (fold f (f acc (car l)) (cdr l))))
(define (append-map f l) (if (null? l) '() (append (f (car l)) (append-map f (cdr l)))))
(define (range lo hi) (if (>= lo hi) '() (cons lo (range (+ lo 1) hi))))
(define (chain n) (make-poset (range 0 n) <=))
(define (grid rows cols)
  (make-poset (append-map (lambda (i) (map (lambda (j) (cons i j)) (range 0 cols)))
                          (range 0 rows))
              (lambda (a b) (and (<= (car a) (car b)) (<= (cdr a) (cdr b))))))
;; Every monotone map from dom to cod, as the list of the images of dom's elements, in order.
(define (monotone-maps dom cod)
  (let ((dleq (poset-leq dom)) (cleq (poset-leq cod)))
    (let extend ((ds (poset-elements dom)) (assigned '()))
      (if (null? ds)
          (list (reverse (map cdr assigned)))
          (let ((d (car ds)))
            (append-map
             (lambda (c)
               (if (all? (lambda (dc)
                           (and (or (not (dleq (car dc) d)) (cleq (cdr dc) c))
                                (or (not (dleq d (car dc))) (cleq c (cdr dc)))))
                         assigned)
                   (extend (cdr ds) (cons (cons d c) assigned))
                   '()))
             (poset-elements cod)))))))
(define (maps-poset dom cod)
  (let ((cleq (poset-leq cod)))
    (make-poset (monotone-maps dom cod) (lambda (f g) (all2? cleq f g)))))
(define (comparable-pairs p)
  (let ((leq (poset-leq p)) (es (poset-elements p)))
    (fold (lambda (acc f) (fold (lambda (acc g) (if (leq f g) (+ acc 1) acc)) acc es))
          0 es)))
(define (round-score i)
  (let ((m (maps-poset (grid 3 (if (odd? i) 2 3)) (chain 4))))
    (+ (length (poset-elements m)) (comparable-pairs m))))
(define (run i acc)
  (if (= i 0) acc (run (- i 1) (+ acc (round-score i)))))
(display (run bench-size 0))
(newline)
