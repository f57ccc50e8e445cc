;; False retention (toylang only: it calls the toylang extension (collect)). Each of bench-size
;; frames builds a 1,000-pair list, takes its length and then recurses: the list is dead during
;; the recursive call, but its address may linger in the frame (a spill slot, a saved register),
;; where a conservative scan finds it and a stack map does not list it. At the bottom the program
;; collects 5 times; bench/macro.py compares the live bytes after those collections across root
;; modes. Prints bench-size * 1000, which the harness checks.
(define (build n) (let loop ((i n) (l '())) (if (= i 0) l (loop (- i 1) (cons i l)))))
(define (collect-times k) (if (> k 0) (begin (collect) (collect-times (- k 1)))))
(define (down d)
  (if (= d 0)
      (begin (collect-times 5) 0)
      (let ((n (length (build 1000))))
        (+ n (down (- d 1))))))
(display (down bench-size))
(newline)
