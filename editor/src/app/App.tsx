export function App() {
  return <h1>Switchboard</h1>;
}
