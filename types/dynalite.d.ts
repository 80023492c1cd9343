// dynalite ships no type declarations; its export is checked at run time in local/dynamodb.
declare module 'dynalite' {
  const dynalite: unknown;
  export default dynalite;
}
