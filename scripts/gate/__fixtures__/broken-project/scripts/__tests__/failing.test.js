test('adds up', () => {
  expect(1 + 1).toBe(3);
});
